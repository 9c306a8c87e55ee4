// nn.Dropout1d/Dropout2d and F.dropout1d/dropout2d (channel-wise dropout, as PyTorch's
// feature_dropout) by their laws: whole channels zeroed, survivors scaled by 1/(1-p),
// E[output] = input, p = 0 and eval the identity, p = 1 all zeros, gradients routed through
// the same mask; and their errors, with PyTorch's own (torch 1.13) quoted.
import { Generator, Tensor, ones, randn, zeros, nn } from '../lib';
import { expectError } from './helpers';
import { expectWithinSE } from './stats';

const F = nn.functional;

/** Per (n, c) channel of x viewed as (N, C, L): 'zero', or the common factor out / x. */
function channelFactors(x: Tensor, y: Tensor, channels: number): (number | 'mixed')[] {
  const L = x.numel / channels;
  const out: (number | 'mixed')[] = [];
  for (let ch = 0; ch < channels; ch++) {
    const f = y.data[ch * L] / x.data[ch * L];
    let same = true;
    for (let i = ch * L; i < (ch + 1) * L; i++) if (Math.abs(y.data[i] - f * x.data[i]) > 1e-5 * Math.abs(x.data[i])) same = false;
    out.push(same ? f : 'mixed');
  }
  return out;
}

describe.each([
  ['dropout1d', F.dropout1d, [8, 16, 5], 8 * 16],
  ['dropout2d', F.dropout2d, [8, 16, 3, 4], 8 * 16],
] as const)('F.%s', (name, fn, shape, channels) => {
  test('zeroes whole channels and scales the others by 1/(1-p)', () => {
    const x = randn([...shape], { generator: new Generator(1) }).add(3); // no zeros in x
    const y = fn(x, { p: 0.3, generator: new Generator(2) });
    const f = channelFactors(x, y, channels);
    for (const v of f) {
      expect(v).not.toBe('mixed');
      if (v !== 'mixed') expect(Math.abs(v) < 1e-6 || Math.abs(v - 1 / 0.7) < 1e-5).toBe(true);
    }
    expect(f.some((v) => v === 0)).toBe(true);
    expect(f.some((v) => v !== 0)).toBe(true);
  });
  test('E[output] = input: the dropped fraction is p within sampling error', () => {
    const x = ones([...shape]);
    const g = new Generator(3);
    let dropped = 0;
    const reps = 50;
    let total = 0;
    for (let r = 0; r < reps; r++) {
      const y = fn(x, { p: 0.4, generator: g });
      for (const v of channelFactors(x, y, channels)) if (v === 0) dropped++;
      total += y.data.reduce((a, b) => a + b, 0);
    }
    const n = reps * channels;
    expectWithinSE(`${name} dropped fraction`, dropped / n, 0.4, Math.sqrt(0.4 * 0.6 / n), 4);
    // The mean of the output is 1 (each channel is 0 or 1/(1-p)).
    const se = Math.sqrt(0.4 / 0.6) / Math.sqrt(n); // std of the per-channel factor / sqrt(channels)
    expectWithinSE(`${name} mean output`, total / (reps * x.numel), 1, se, 4);
  });
  test('p = 0 and training false return x itself; p = 1 gives zeros', () => {
    const x = randn([...shape], { generator: new Generator(4) });
    expect(fn(x, { p: 0 })).toBe(x);
    expect(fn(x, { p: 0.5, training: false })).toBe(x);
    const g = new Generator(5);
    const y = fn(x, { p: 1, generator: g });
    expect(y.data.every((v) => v === 0)).toBe(true);
    expect(g.offset).toBe(0); // nothing drawn, as F.dropout
  });
  test('the gradient flows through the same channel mask', () => {
    const x = randn([...shape], { generator: new Generator(6), requiresGrad: true });
    const y = fn(x, { p: 0.5, generator: new Generator(7) });
    y.sum().backward();
    const yd = y.data;
    const xd = x.data;
    for (let i = 0; i < x.numel; i++) expect(x.grad!.data[i]).toBeCloseTo(xd[i] === 0 ? 0 : yd[i] / xd[i], 4);
  });
  test('seeded: the same generator seed gives the same mask', () => {
    const x = randn([...shape], { generator: new Generator(8) });
    expect(Array.from(fn(x, { generator: new Generator(9) }).data)).toEqual(Array.from(fn(x, { generator: new Generator(9) }).data));
  });
  // F.dropout1d(x, p=1.5) -> ValueError: dropout probability has to be between 0 and 1, but got 1.5
  test('p outside [0, 1]', () => {
    expectError(() => fn(zeros([...shape]), { p: 1.5 }), 'RangeError', new RegExp(`^${name}: expected a number in \\[0, 1\\] for p, got 1.5$`));
    expectError(() => fn(zeros([...shape]), { p: '0.5' as never }), 'TypeError', new RegExp(`^${name}: expected a number for p, got '0.5'$`));
  });
});

describe('ranks', () => {
  // F.dropout1d(torch.ones(2, 3, 4, 5)) -> RuntimeError: dropout1d: Expected 2D or 3D input, but received a 4D input
  test('dropout1d takes (C, L) and (N, C, L) only', () => {
    expectError(() => F.dropout1d(ones([2, 3, 4, 5])), 'RangeError', /^dropout1d: expected a 2-D \(C, L\) or 3-D \(N, C, L\) input for input, got a Tensor of shape \[2, 3, 4, 5\]$/);
    expectError(() => F.dropout1d(ones([3])), 'RangeError', /^dropout1d: expected a 2-D .* for input, got a Tensor of shape \[3\]$/);
    // (C, L): each row is a channel
    const x = randn([64, 5], { generator: new Generator(10) }).add(3);
    const f = channelFactors(x, F.dropout1d(x, { generator: new Generator(11) }), 64);
    expect(f.every((v) => v === 0 || (v !== 'mixed' && Math.abs(v - 2) < 1e-5))).toBe(true);
  });
  // F.dropout2d(torch.ones(1, 2, 3, 4, 5)) warns that ranks other than 3 and 4 are deprecated
  // ("will result in an error in a future release"): kiln refuses them now.
  test('dropout2d refuses ranks other than 3 and 4', () => {
    expectError(() => F.dropout2d(ones([2, 3])), 'RangeError', /^dropout2d: expected a 4-D \(N, C, H, W\) or 3-D \(N, C, L\) input for input, got a Tensor of shape \[2, 3\]$/);
    expectError(() => new nn.Dropout2d().forward(ones([1, 2, 3, 4, 5])), 'RangeError', /^Dropout2d.forward: expected a 4-D .* for input, got a Tensor of shape \[1, 2, 3, 4, 5\]$/);
  });
  // F.dropout2d(torch.ones(2, 3, 4)) -> UserWarning: dropout2d: Received a 3D input to dropout2d and assuming
  // that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L) ...
  test('dropout2d on 3-D input: (N, C, L), with PyTorch 1.13 warning once', () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const x = randn([4, 16, 5], { generator: new Generator(12) }).add(3);
      const y = F.dropout2d(x, { generator: new Generator(13) });
      F.dropout2d(x, { generator: new Generator(13) });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0][0])).toMatch(/^dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape \(N, C, L\)/);
      // Channels are x[n, c, :]: the same masks as dropout1d on the same stream.
      expect(Array.from(y.data)).toEqual(Array.from(F.dropout1d(x, { generator: new Generator(13) }).data));
    } finally {
      spy.mockRestore();
    }
  });
});

describe.each([['Dropout1d', nn.Dropout1d, [4, 8, 6]], ['Dropout2d', nn.Dropout2d, [4, 8, 3, 3]]] as const)('nn.%s', (name, Cls, shape) => {
  test('training zeroes channels, eval is the identity, repr as PyTorch', () => {
    const m = new Cls(0.5, { generator: new Generator(14) });
    const x = randn([...shape], { generator: new Generator(15) }).add(3);
    const f = channelFactors(x, m.forward(x), 32);
    expect(f.every((v) => v === 0 || (v !== 'mixed' && Math.abs(v - 2) < 1e-5))).toBe(true);
    expect(f.some((v) => v === 0)).toBe(true);
    m.eval();
    expect(m.forward(x)).toBe(x);
    expect(m.extraRepr()).toBe('p=0.5, inplace=False');
    expect(String(m).split('\n')[0]).toBe(`${name}(p=0.5, inplace=False)`);
  });
  // nn.Dropout2d(p=-0.1) -> ValueError: dropout probability has to be between 0 and 1, but got -0.1
  test('p outside [0, 1] and a bad generator', () => {
    expectError(() => new Cls(-0.1), 'RangeError', new RegExp(`^${name}: expected a number in \\[0, 1\\] for p, got -0.1$`));
    expectError(() => new Cls(0.5, { generator: 3 as never }), 'TypeError', new RegExp(`^${name}: expected a Generator for generator, got 3$`));
  });
});
