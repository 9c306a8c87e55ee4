// Dropout: the native kernel against PyTorch (test/fixtures/gen_init.py), its statistics,
// determinism, the module, and finite differences through the mask.
import { Tensor, Generator, tensor, zeros, ones, randn, nn, noGrad, setNumThreads, manualSeed } from '../lib';
import { native } from '../lib/native';
import { expectClose, expectError, gradCheck, loadFixture } from './helpers';

const F = nn.functional;
interface Case { p: number; shape: number[]; x: number[]; w: number[]; y: number[]; dx: number[] }
const fx = loadFixture<{ dropout: Case[]; dropout_p1: { x: number[]; w: number[]; y: number[]; dx: number[] } }>('init');

describe('dropout matches PyTorch where the masks agree', () => {
  test.each(fx.dropout.map((c) => [c.p, c]))('p = %p', (_p, c) => {
    // y = F.dropout(x, p=p, training=True); (y * w).sum().backward()
    const x = tensor(new Float32Array(c.x), { shape: c.shape, requiresGrad: true });
    const y = F.dropout(x, { p: c.p, generator: new Generator(5) });
    y.mul(tensor(new Float32Array(c.w), { shape: c.shape })).sum().backward();
    const scale = Math.fround(1 / (1 - c.p));
    let both = 0;
    for (let i = 0; i < c.x.length; i++) {
      const keptByTorch = c.y[i] !== 0;
      const keptByKiln = y.data[i] !== 0;
      if (keptByTorch && keptByKiln) {
        both++;
        // Survivors are x * float32(1/(1-p)) in both, and their gradient w * the same scale.
        expect(y.data[i]).toBe(Math.fround(c.y[i]));
        expect(x.grad!.data[i]).toBe(Math.fround(c.dx[i]));
      }
      if (!keptByKiln) expect(x.grad!.data[i]).toBe(0);
      else expect(x.grad!.data[i]).toBe(Math.fround(c.w[i] * scale));
    }
    // Both keep ~(1-p)^2 of 1000 elements (40 at p = 0.8): enough overlap to mean something.
    expect(both).toBeGreaterThan(0.5 * (1 - c.p) ** 2 * c.x.length);
  });

  test('p = 1 gives zeros and a zero gradient', () => {
    // F.dropout(x, p=1.0, training=True)
    const c = fx.dropout_p1;
    const x = tensor(new Float32Array(c.x), { requiresGrad: true });
    const y = F.dropout(x, { p: 1 });
    expectClose(y, c.y, { atol: 0, rtol: 0 });
    y.mul(tensor(new Float32Array(c.w))).sum().backward();
    expectClose(x.grad!, c.dx, { atol: 0, rtol: 0 });
  });
});

describe('dropout statistics', () => {
  test.each([0.1, 0.25, 0.5, 0.9])('p = %p: the dropped fraction is p within 4 standard errors, survivors scaled exactly', (p) => {
    const n = 200000;
    const x = randn([n], { generator: new Generator(1) });
    const y = F.dropout(x, { p, generator: new Generator(2) });
    const scale = Math.fround(1 / (1 - p));
    let dropped = 0;
    let misScaled = 0;
    for (let i = 0; i < n; i++) {
      if (y.data[i] === 0) dropped++;
      else if (y.data[i] !== Math.fround(x.data[i] * scale)) misScaled++;
    }
    expect(misScaled).toBe(0);
    const se = Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(dropped / n - p)).toBeLessThan(4 * se);
  });

  test('E[output] = input: the mean of many masks of a constant is the constant', () => {
    const y = F.dropout(ones([100000]), { p: 0.3, generator: new Generator(3) });
    let s = 0;
    for (const v of y.data) s += v;
    // Each element is 0 or 1/0.7: sd sqrt(0.3 * 0.7) / 0.7 per element.
    expect(Math.abs(s / 1e5 - 1)).toBeLessThan((4 * Math.sqrt(0.21)) / 0.7 / Math.sqrt(1e5));
  });

  test('neighbouring elements are independent (no stripes from the counter stream)', () => {
    const n = 100000;
    const y = F.dropout(ones([n]), { p: 0.5, generator: new Generator(4) });
    let agree = 0;
    for (let i = 1; i < n; i++) if ((y.data[i] === 0) === (y.data[i - 1] === 0)) agree++;
    expect(Math.abs(agree / (n - 1) - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });
});

describe('identity cases', () => {
  test('eval mode, training: false and p = 0 return the input itself', () => {
    const x = randn([4, 5], { requiresGrad: true });
    expect(F.dropout(x, { training: false })).toBe(x);
    expect(F.dropout(x, { p: 0 })).toBe(x);
    const m = new nn.Dropout(0.5);
    m.eval();
    expect(m.forward(x)).toBe(x);
    m.train();
    expect(m.forward(x)).not.toBe(x);
  });

  test('empty input', () => {
    const x = zeros([0, 3]);
    expect(F.dropout(x)).toBe(x);
  });
});

describe('masks are seeded', () => {
  const mask = (y: Tensor) => Array.from(y.data, (v) => (v === 0 ? 0 : 1)).join('');

  test('same seed, same mask; the stream advances between calls', () => {
    const x = ones([1000]);
    const g = new Generator(10);
    const a = F.dropout(x, { generator: g });
    const b = F.dropout(x, { generator: g });
    expect(mask(F.dropout(x, { generator: new Generator(10) }))).toBe(mask(a));
    expect(mask(b)).not.toBe(mask(a));
    manualSeed(10);
    const c = F.dropout(x);
    manualSeed(10);
    expect(mask(F.dropout(x))).toBe(mask(c));
  });

  test('the mask does not depend on the thread count', () => {
    const x = ones([300000]);
    const one = F.dropout(x, { p: 0.4, generator: new Generator(6) });
    setNumThreads(2);
    try {
      const two = F.dropout(x, { p: 0.4, generator: new Generator(6) });
      expect(Buffer.from(two.data.buffer).equals(Buffer.from(one.data.buffer))).toBe(true);
    } finally {
      setNumThreads(1);
    }
  });

  test('the module draws from its own generator when given one', () => {
    const x = ones([500]);
    const a = new nn.Dropout(0.5, { generator: new Generator(8) }).forward(x);
    const b = F.dropout(x, { p: 0.5, generator: new Generator(8) });
    expect(mask(a)).toBe(mask(b));
  });

  test('without gradients no mask is kept, and the values are the same', () => {
    const x = randn([64], { requiresGrad: true });
    const a = noGrad(() => F.dropout(x, { generator: new Generator(3) }));
    expect(a.gradFn).toBeNull();
    expect(Array.from(F.dropout(x, { generator: new Generator(3) }).data)).toEqual(Array.from(a.data));
  });
});

describe('gradient', () => {
  test.each([0.2, 0.5, 0.75])('p = %p: finite differences through the mask', (p) => {
    // A fresh generator with the same seed each call keeps the mask fixed, so f is linear in x.
    const x = randn([3, 7], { generator: new Generator(1), requiresGrad: true });
    gradCheck((t) => F.dropout(t, { p, generator: new Generator(42) }), [x], { label: `dropout p=${p}` });
  });

  test('gradients accumulate through a dropout used twice', () => {
    const x = randn([10], { requiresGrad: true });
    const y = F.dropout(x, { generator: new Generator(2) });
    y.add(y).sum().backward();
    for (let i = 0; i < 10; i++) expect(x.grad!.data[i]).toBe(y.data[i] === 0 ? 0 : 2 * Math.fround(1 / 0.5));
  });

  test('the backward kernel accumulates (+=) and checks lengths', () => {
    const k = native as unknown as {
      dropoutBackward(d: Float32Array, g: Float32Array, m: Float32Array): void;
      dropoutForward(o: Float32Array, m: Float32Array | null, x: Float32Array, p: number, s: number, off: number): void;
    };
    const d = new Float32Array([1, 1, 1]);
    k.dropoutBackward(d, new Float32Array([2, 3, 4]), new Float32Array([0, 2, 2]));
    expect(Array.from(d)).toEqual([1, 7, 9]);
    expectError(() => k.dropoutBackward(d, new Float32Array(2), new Float32Array(3)), 'RangeError', /expected dout to hold 3 elements, got 2/);
    expectError(() => k.dropoutForward(new Float32Array(3), new Float32Array(2), new Float32Array(3), 0.5, 0, 0), 'RangeError', /expected mask to hold 3 elements, got 2/);
    expectError(() => k.dropoutForward(new Float32Array(3), null, new Float32Array(3), 1.5, 0, 0), 'RangeError', /^dropoutForward: expected a number in \[0, 1\] for p, got 1.5$/);
    expectError(() => k.dropoutForward(new Float32Array(3), null, new Float32Array(3), 0.5, -1, 0), 'RangeError', /for seed, got -1/);
  });
});

describe('nn.Dropout', () => {
  test('defaults to p = 0.5 and prints like PyTorch', () => {
    expect(new nn.Dropout().p).toBe(0.5);
    expect(String(new nn.Dropout(0.2))).toMatch(/^Dropout\(p=0.2, inplace=False\)/);
    const net = new nn.Sequential(new nn.Linear(4, 4), new nn.Dropout(0.3));
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias']);
  });

  test('p outside [0, 1] and wrong types', () => {
    expectError(() => new nn.Dropout(1.5), 'RangeError', /^Dropout: expected a number in \[0, 1\] for p, got 1\.5$/);
    expectError(() => new nn.Dropout(-0.1), 'RangeError', /^Dropout: expected a number in \[0, 1\] for p, got -0\.1$/);
    expectError(() => new nn.Dropout(NaN), 'RangeError', /^Dropout: expected a number in \[0, 1\] for p, got NaN$/);
    expectError(() => new nn.Dropout('0.5' as never), 'TypeError', /^Dropout: expected a number for p, got '0.5'$/);
    expectError(() => new nn.Dropout(0.5, { generator: 1 as never }), 'TypeError', /^Dropout: expected a Generator for generator, got 1$/);
    expectError(() => F.dropout(ones([2]), { p: 2 }), 'RangeError', /^dropout: expected a number in \[0, 1\] for p, got 2$/);
    expectError(() => F.dropout(ones([2]), { training: 1 as never }), 'TypeError', /^dropout: expected a boolean for training, got 1$/);
    expectError(() => F.dropout([1, 2] as never), 'TypeError', /^dropout: expected a Tensor for input, got \[1, 2\]$/);
    expectError(() => F.dropout(ones([2]), 0.5 as never), 'TypeError', /^dropout: expected an options object for options, got 0.5 \(PyTorch's 2nd argument is p: pass \{ p: 0.5 \}\)$/);
    expectError(() => new nn.Dropout(0.5).forward('x' as never), 'TypeError', /^Dropout\.forward: expected a Tensor for input/);
  });
});
