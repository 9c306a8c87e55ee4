// nn.init.dirac against torch.nn.init.dirac_ (test/fixtures/gen_dirac.py), nn.init.sparse by
// its laws (torch.nn.init.sparse_ draws from torch's stream, which kiln's differs from), and
// kaiming's warning on zero-element tensors.
import { Generator, full, zeros, nn } from '../lib';
import { expectError, loadFixture } from './helpers';
import { moments, expectWithinSE } from './stats';

const init = nn.init;

interface DiracCase { shape: number[]; groups: number; ones: number[][]; sum: number }
const fx = loadFixture<{ cases: DiracCase[] }>('dirac');

describe('init.dirac', () => {
  // w = torch.full(shape, 7.); init.dirac_(w, groups): ones at torch.nonzero(w), zeros elsewhere
  test.each(fx.cases.map((c) => [c.shape.join('x'), c.groups, c] as const))('shape %s, groups %d: as torch.nn.init.dirac_', (_s, _g, c) => {
    const t = full(c.shape, 7);
    expect(init.dirac(t, c.groups)).toBe(t);
    const strides = c.shape.map((_, i) => c.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const want = new Float32Array(t.numel);
    for (const idx of c.ones) want[idx.reduce((s, v, i) => s + v * strides[i], 0)] = 1;
    const bad = t.data.findIndex((v, i) => v !== want[i]);
    expect(bad).toBe(-1);
    expect(t.data.reduce((a, b) => a + b, 0)).toBe(c.sum);
  });

  // init.dirac_(torch.zeros(3, 3)) -> ValueError: Only tensors with 3, 4, or 5 dimensions are supported
  test('a tensor that is not 3-, 4- or 5-D', () => {
    expectError(() => init.dirac(zeros([3, 3])), 'RangeError', /^init.dirac: expected a 3-D, 4-D or 5-D tensor \(out, in, \.\.\.kernel\) for tensor, got a Tensor of shape \[3, 3\]$/);
  });
  // init.dirac_(torch.zeros(3, 3, 3), groups=2) -> ValueError: dim 0 must be divisible by groups
  test('groups that do not divide dimension 0', () => {
    expectError(() => init.dirac(zeros([3, 3, 3]), 2), 'RangeError', /^init.dirac: expected a divisor of dimension 0 of tensor \(3\) for groups, got 2$/);
    expectError(() => init.dirac(zeros([3, 3, 3]), 0), 'RangeError', /^init.dirac: expected an integer >= 1 for groups, got 0$/);
    expectError(() => init.dirac(zeros([3, 3, 3]), '1' as never), 'TypeError', /^init.dirac: expected an integer for groups, got '1'$/);
  });
  test('a 3x3 convolution with a dirac weight is the identity', () => {
    const w = init.dirac(zeros([4, 4, 3, 3]));
    const x = init.uniform(zeros([2, 4, 5, 5]), -1, 1, { generator: new Generator(1) });
    const y = nn.functional.conv2d(x, w, { padding: 1 });
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
  });
});

describe('init.sparse', () => {
  test('exactly ceil(sparsity * rows) zeros per column, and N(0, std^2) elsewhere', () => {
    const rows = 50;
    const cols = 400;
    const t = init.sparse(zeros([rows, cols]), 0.3, { std: 0.05, generator: new Generator(11) });
    const numZeros = Math.ceil(0.3 * rows); // 15
    const nonzero: number[] = [];
    for (let c = 0; c < cols; c++) {
      let z = 0;
      for (let r = 0; r < rows; r++) {
        const v = t.data[r * cols + c];
        if (v === 0) z++;
        else nonzero.push(v);
      }
      expect(z).toBe(numZeros);
    }
    const m = moments(nonzero);
    expectWithinSE('mean of the non-zeros', m.mean, 0, m.seMean, 4);
    expectWithinSE('std of the non-zeros', m.std, 0.05, m.seStd, 4);
  });
  test('which rows are zeroed is uniform: each row is zeroed in about sparsity of the columns', () => {
    const rows = 10;
    const cols = 4000;
    const t = init.sparse(zeros([rows, cols]), 0.25, { generator: new Generator(12) });
    // ceil(2.5) = 3 zeros per column: each row is zeroed with probability 0.3.
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let c = 0; c < cols; c++) if (t.data[r * cols + c] === 0) z++;
      expectWithinSE(`row ${r} zero rate`, z / cols, 0.3, Math.sqrt(0.3 * 0.7 / cols), 4);
    }
  });
  test('seeded: the same generator seed gives the same matrix; std defaults to 0.01', () => {
    const a = init.sparse(zeros([20, 30]), 0.5, { generator: new Generator(5) });
    const b = init.sparse(zeros([20, 30]), 0.5, { generator: new Generator(5) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Math.max(...Array.from(a.data).map(Math.abs))).toBeLessThan(0.01 * 6);
    // sparsity 0 keeps every value; 1 zeroes every value
    expect(init.sparse(zeros([4, 5]), 0, { generator: new Generator(1) }).data.every((v) => v !== 0)).toBe(true);
    expect(init.sparse(zeros([4, 5]), 1).data.every((v) => v === 0)).toBe(true);
  });
  // init.sparse_(torch.zeros(3, 3, 3), 0.1) -> ValueError: Only tensors with 2 dimensions are supported
  test('bad input', () => {
    expectError(() => init.sparse(zeros([3, 3, 3]), 0.1), 'RangeError', /^init.sparse: expected a 2-D tensor \(rows, cols\) for tensor, got a Tensor of shape \[3, 3, 3\]$/);
    expectError(() => init.sparse(zeros([3, 3]), 1.5), 'RangeError', /^init.sparse: expected a number in \[0, 1\] for sparsity, got 1.5$/);
    expectError(() => init.sparse(zeros([3, 3]), NaN), 'RangeError', /^init.sparse: expected a finite number for sparsity, got NaN$/);
    expectError(() => init.sparse(zeros([3, 3]), 0.1, { std: -1 }), 'RangeError', /^init.sparse: expected a non-negative number for std, got -1$/);
    expectError(() => init.sparse(zeros([3, 3]), 0.1, { std: 1e39 }), 'RangeError', /^init.sparse: expected a number in float32 range .* for std, got 1e\+39$/);
    expectError(() => init.sparse(zeros([3, 3]), 0.1, { generator: 3 as never }), 'TypeError', /^init.sparse: expected a Generator for generator, got 3$/);
  });
});

describe('kaiming on a zero-element tensor', () => {
  // init.kaiming_uniform_(torch.zeros(0, 3)) -> UserWarning: Initializing zero-element tensors is a no-op
  test('warns once, with PyTorch text, and leaves the tensor as it is', () => {
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(init.kaimingUniform(zeros([0, 3])).shape).toEqual([0, 3]);
      expect(init.kaimingNormal(zeros([3, 0]), { mode: 'fan_out' }).shape).toEqual([3, 0]);
      init.kaimingUniform(zeros([3, 3]));
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0][0])).toBe('Initializing zero-element tensors is a no-op');
    } finally {
      spy.mockRestore();
    }
  });
});
