// kiln.nn.init against PyTorch (test/fixtures/gen_init.py) and by its laws: bounds, moments
// within stated statistical tolerances, orthogonality, determinism, and its errors.
import { Tensor, Generator, zeros, tensor, nn, setNumThreads, manualSeed, noGrad } from '../lib';
import { fanInAndOut } from '../lib/nn/init/fans';
import { native } from '../lib/native';
import { expectClose, expectError, loadFixture } from './helpers';
import { moments, expectWithinSE } from './stats';

const init = nn.init;

interface KaimingCase { a: number; mode: 'fan_in' | 'fan_out'; nonlinearity: 'leaky_relu' | 'relu' | 'tanh'; std: number; bound: number }
interface Fixture {
  gain: [string, number | null, number][];
  fans: { shape: number[]; fan_in: number; fan_out: number; xavier: { gain: number; std: number; bound: number }[]; kaiming: KaimingCase[] }[];
  linear: { in: number; out: number; bound: number; weight_absmax: number; weight_std: number; bias_absmax: number }[];
  trunc: { mean: number; std: number; a: number | string; b: number | string; expected_mean: number; expected_std: number; torch_min: number; torch_max: number }[];
  quantile: [number, number][];
}
const fx = loadFixture<Fixture>('init');
const num = (v: number | string) => (v === '-inf' ? -Infinity : v === 'inf' ? Infinity : (v as number));
const numelOf = (s: number[]) => s.reduce((a, b) => a * b, 1);
/** Bitwise equality of two buffers (jest's toEqual is slow on large typed arrays). */
const same = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Fills fresh tensors of `shape` until at least `atLeast` values are pooled. */
function pooled(shape: number[], atLeast: number, fill: (t: Tensor) => void): Float32Array {
  const n = numelOf(shape);
  const reps = Math.ceil(atLeast / n);
  const out = new Float32Array(reps * n);
  for (let r = 0; r < reps; r++) {
    const t = zeros(shape);
    fill(t);
    out.set(t.data, r * n);
  }
  return out;
}

/** Largest |(A A^T or A^T A) - gain^2 I| over the entries, for A (rows, cols) row-major. */
function gramError(w: Float32Array, rows: number, cols: number, gain = 1): number {
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      if (tall) for (let r = 0; r < rows; r++) s += w[r * cols + i] * w[r * cols + j];
      else for (let c = 0; c < cols; c++) s += w[i * cols + c] * w[j * cols + c];
      worst = Math.max(worst, Math.abs(s - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

describe('calculateGain', () => {
  test.each(fx.gain)('%s (param %s) matches PyTorch', (name, param, expected) => {
    // init.calculate_gain(name) / init.calculate_gain('leaky_relu', a)
    const g = param === null ? init.calculateGain(name as never) : init.calculateGain(name as never, param);
    expect(g).toBeCloseTo(expected, 14);
  });

  test('errors name the valid nonlinearities', () => {
    expectError(() => init.calculateGain('swish' as never), 'RangeError',
      /^calculateGain: expected 'linear', 'conv1d', .*'leaky_relu' or 'selu' for nonlinearity, got 'swish'$/);
    expectError(() => init.calculateGain(3 as never), 'TypeError', /expected 'linear', .* for nonlinearity, got 3/);
    expectError(() => init.calculateGain('leaky_relu', '0.2' as never), 'TypeError', /expected a number \(the negative slope\) for param, got '0.2'/);
    expectError(() => init.calculateGain('leaky_relu', true as never), 'TypeError', /for param, got true/);
    expectError(() => init.calculateGain('leaky_relu', NaN), 'RangeError', /expected a finite number .* for param, got NaN/);
  });
});

describe('fans', () => {
  test.each(fx.fans.map((c) => [c.shape, c]))('shape %j matches _calculate_fan_in_and_fan_out', (shape, c) => {
    // init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    expect(fanInAndOut('test', zeros(shape as number[]))).toEqual([c.fan_in, c.fan_out]);
  });

  test('fewer than 2 dimensions is a RangeError', () => {
    expectError(() => fanInAndOut('init.xavierUniform', zeros([5])), 'RangeError', /at least 2 dimensions .* got shape \[5\]/);
    expectError(() => init.xavierUniform(zeros([5])), 'RangeError', /^init\.xavierUniform: expected a tensor with at least 2 dimensions/);
    expectError(() => init.kaimingNormal(zeros([])), 'RangeError', /init\.kaimingNormal: .*got shape \[\]/);
  });
});

describe('variance-scaling initialisers follow PyTorch\'s formulas', () => {
  // Each case pools >= 60000 values; max |w| must not pass the bound and must come within
  // 0.2% of it (all 60000 staying below would have probability (0.998)^60000 ~ 1e-52); the
  // sample std must be within 3 standard errors of PyTorch's std.
  for (const c of fx.fans) {
    for (const x of c.xavier) {
      test(`xavierUniform ${JSON.stringify(c.shape)} gain ${x.gain.toFixed(3)}`, () => {
        const g = new Generator(11);
        const v = pooled(c.shape, 60000, (t) => init.xavierUniform(t, { gain: x.gain, generator: g }));
        const m = moments(v);
        expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(x.bound * (1 + 1e-6));
        expect(Math.max(-m.min, m.max)).toBeGreaterThan(x.bound * 0.998);
        expectWithinSE('std', m.std, x.std, m.seStd);
        expectWithinSE('mean', m.mean, 0, m.seMean);
      });
      test(`xavierNormal ${JSON.stringify(c.shape)} gain ${x.gain.toFixed(3)}`, () => {
        const g = new Generator(12);
        const m = moments(pooled(c.shape, 60000, (t) => init.xavierNormal(t, { gain: x.gain, generator: g })));
        expectWithinSE('std', m.std, x.std, m.seStd);
        expectWithinSE('mean', m.mean, 0, m.seMean);
      });
    }
    for (const kc of c.kaiming) {
      const opts = { a: kc.a, mode: kc.mode, nonlinearity: kc.nonlinearity };
      test(`kaimingUniform ${JSON.stringify(c.shape)} ${JSON.stringify(opts)}`, () => {
        const g = new Generator(13);
        const m = moments(pooled(c.shape, 60000, (t) => init.kaimingUniform(t, { ...opts, generator: g })));
        expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(kc.bound * (1 + 1e-6));
        expect(Math.max(-m.min, m.max)).toBeGreaterThan(kc.bound * 0.998);
        expectWithinSE('std', m.std, kc.std, m.seStd);
      });
      test(`kaimingNormal ${JSON.stringify(c.shape)} ${JSON.stringify(opts)}`, () => {
        const g = new Generator(14);
        const m = moments(pooled(c.shape, 60000, (t) => init.kaimingNormal(t, { ...opts, generator: g })));
        expectWithinSE('std', m.std, kc.std, m.seStd);
        expectWithinSE('mean', m.mean, 0, m.seMean);
      });
    }
  }

  test('defaults are a = 0, fan_in, leaky_relu (gain sqrt(2/(1+0)) = sqrt(2)) and gain 1', () => {
    const a = init.kaimingUniform(zeros([300, 400]), { generator: new Generator(5) });
    const b = init.kaimingUniform(zeros([300, 400]), { a: 0, mode: 'fan_in', nonlinearity: 'leaky_relu', generator: new Generator(5) });
    expect(same(a.data, b.data)).toBe(true);
    const c = init.xavierNormal(zeros([30, 40]), { generator: new Generator(5) });
    const d = init.xavierNormal(zeros([30, 40]), { gain: 1, generator: new Generator(5) });
    expect(c.data).toEqual(d.data);
  });

  test('gain scales the draw exactly: the same stream with gain 2 gives twice the values', () => {
    const one = init.xavierNormal(zeros([20, 30]), { generator: new Generator(8) });
    const two = init.xavierNormal(zeros([20, 30]), { gain: 2, generator: new Generator(8) });
    expectClose(two, Array.from(one.data, (v) => 2 * v), { rtol: 1e-6, atol: 0, label: 'xavierNormal gain 2' });
  });

  test('zero-element tensors are left alone, as PyTorch', () => {
    const g = new Generator(1);
    expect(init.kaimingUniform(zeros([0, 5]), { generator: g }).numel).toBe(0);
    expect(init.kaimingNormal(zeros([4, 0, 3]), { generator: g }).numel).toBe(0);
    expect(g.offset).toBe(0);
  });
});

describe('nn.Linear default initialisation', () => {
  test.each(fx.linear.map((c) => [c.in, c.out, c]))('Linear(%i, %i) matches reset_parameters', (fin, fout, c) => {
    // torch.nn.Linear(in, out): kaiming_uniform_(weight, a=sqrt(5)); bias U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    const lin = new nn.Linear(fin as number, fout as number, { generator: new Generator(3) });
    const w = moments(lin.weight.data);
    const b = moments(lin.bias!.data);
    expect(Math.max(-w.min, w.max)).toBeLessThanOrEqual(c.bound * (1 + 1e-6));
    expect(Math.max(-w.min, w.max)).toBeGreaterThan(c.weight_absmax * 0.998);
    expect(Math.max(-b.min, b.max)).toBeLessThanOrEqual(c.bound * (1 + 1e-6));
    expectWithinSE('weight std', w.std, c.bound / Math.sqrt(3), w.seStd);
  });

  test('keeps the numbers of U(-1/sqrt(in), 1/sqrt(in)) drawn weight first, then bias', () => {
    for (const fin of [1, 3, 5, 784, 1000]) {
      const lin = new nn.Linear(fin, 7, { generator: new Generator(21) });
      const g = new Generator(21);
      const bound = 1 / Math.sqrt(fin);
      const w = g.fillUniform(new Float32Array(7 * fin), -bound, bound);
      const b = g.fillUniform(new Float32Array(7), -bound, bound);
      expect(lin.weight.data).toEqual(w);
      expect(lin.bias!.data).toEqual(b);
    }
  });
});

describe('uniform, normal and the constant fills', () => {
  test('uniform stays in [a, b] and has the uniform\'s moments', () => {
    const t = init.uniform(zeros([100000]), -3, 5, { generator: new Generator(1) });
    const m = moments(t.data);
    expect(m.min).toBeGreaterThanOrEqual(-3);
    expect(m.max).toBeLessThanOrEqual(5);
    expect(m.min).toBeLessThan(-3 + 0.01);
    expect(m.max).toBeGreaterThan(5 - 0.01);
    expectWithinSE('mean', m.mean, 1, m.seMean);
    expectWithinSE('std', m.std, 8 / Math.sqrt(12), m.seStd);
    const d = moments(init.uniform(zeros([50000]), undefined, undefined, { generator: new Generator(2) }).data);
    expect(d.min).toBeGreaterThanOrEqual(0);
    expect(d.max).toBeLessThan(1);
  });

  test('normal has the requested mean and std; std 0 gives the mean', () => {
    const m = moments(init.normal(zeros([100000]), 2, 0.5, { generator: new Generator(1) }).data);
    expectWithinSE('mean', m.mean, 2, m.seMean);
    expectWithinSE('std', m.std, 0.5, m.seStd);
    expect(Array.from(init.normal(zeros([4]), 1.5, 0).data)).toEqual([1.5, 1.5, 1.5, 1.5]);
  });

  test('constant, zeros, ones, eye', () => {
    expect(Array.from(init.constant(zeros([2, 2]), 0.25).data)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(init.zeros(tensor([1, 2, 3])).data)).toEqual([0, 0, 0]);
    expect(Array.from(init.ones(zeros([3])).data)).toEqual([1, 1, 1]);
    // torch.nn.init.eye_(torch.empty(2, 3)) -> [[1, 0, 0], [0, 1, 0]]
    expect(init.eye(tensor([[5, 5, 5], [5, 5, 5]])).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(init.eye(zeros([3, 2])).toArray()).toEqual([[1, 0], [0, 1], [0, 0]]);
    expect(Number.isNaN(init.constant(zeros([1]), NaN).data[0])).toBe(true);
  });

  test('fills in place, returns the tensor and records no gradient', () => {
    const p = new nn.Parameter(zeros([4, 3]));
    const fills: ((t: Tensor) => Tensor)[] = [
      (t) => init.uniform(t), (t) => init.normal(t), (t) => init.truncNormal(t), (t) => init.constant(t, 2),
      (t) => init.zeros(t), (t) => init.ones(t), (t) => init.eye(t), (t) => init.xavierUniform(t),
      (t) => init.xavierNormal(t), (t) => init.kaimingUniform(t), (t) => init.kaimingNormal(t), (t) => init.orthogonal(t),
    ];
    const buffer = p.data;
    for (const f of fills) {
      expect(f(p)).toBe(p);
      expect(p.data).toBe(buffer);
      expect(p.gradFn).toBeNull();
      expect(p.requiresGrad).toBe(true);
    }
  });
});

describe('truncNormal', () => {
  test.each(fx.quantile)('the kernel\'s normal quantile at p = %p matches AS241 (statistics.NormalDist)', (p, z) => {
    // statistics.NormalDist().inv_cdf(p)
    const q = (native as unknown as { normalQuantile(p: number): number }).normalQuantile(p);
    expect(Math.abs(q - z)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(z)));
  });

  test.each(fx.trunc.map((c) => [c.mean, c.std, c.a, c.b, c]))(
    'mean %p, std %p on [%p, %p]: bounds and moments of the truncated normal',
    (mean, std, a, b, c) => {
      // init.trunc_normal_(t, mean, std, a, b); moments from the closed form in gen_init.py.
      const opts = { mean: mean as number, std: std as number, a: num(a as number), b: num(b as number), generator: new Generator(4) };
      const m = moments(init.truncNormal(zeros([200000]), opts).data);
      expect(m.min).toBeGreaterThanOrEqual(Math.fround(opts.a));
      expect(m.max).toBeLessThanOrEqual(Math.fround(opts.b));
      expectWithinSE('mean', m.mean, c.expected_mean, m.seMean);
      expectWithinSE('std', m.std, c.expected_std, m.seStd);
      // A sample this large reaches within 1% of the interval's width of each finite end,
      // as PyTorch's did (torch_min, torch_max in the fixture).
      const width = Number.isFinite(opts.a) ? opts.b - opts.a : 1;
      if (Number.isFinite(opts.a)) expect(m.min - opts.a).toBeLessThan(0.01 * width);
      expect(opts.b - m.max).toBeLessThan(0.01 * width);
      expect(c.torch_min).toBeGreaterThanOrEqual(Math.fround(opts.a));
    },
  );

  test('defaults are mean 0, std 1, a = -2, b = 2 (absolute)', () => {
    const a = init.truncNormal(zeros([1000]), { generator: new Generator(9) });
    const b = init.truncNormal(zeros([1000]), { mean: 0, std: 1, a: -2, b: 2, generator: new Generator(9) });
    expect(a.data).toEqual(b.data);
    const m = moments(init.truncNormal(zeros([50000]), { std: 10, generator: new Generator(9) }).data);
    expect(m.min).toBeGreaterThanOrEqual(-2);
    expect(m.max).toBeLessThanOrEqual(2);
  });
});

describe('orthogonal', () => {
  const cases: [string, number[]][] = [
    ['tall', [64, 16]],
    ['wide', [16, 64]],
    ['square', [50, 50]],
    ['4-D conv weight (wide when flattened: 8 x 36)', [8, 4, 3, 3]],
    ['4-D conv weight (tall when flattened: 96 x 8)', [96, 2, 2, 2]],
    ['a single row', [1, 10]],
    ['a single column', [10, 1]],
  ];
  test.each(cases)('%s %j: W^T W = I (W W^T = I when wide) within 1e-4', (_label, shape) => {
    const w = init.orthogonal(zeros(shape), { generator: new Generator(17) });
    const rows = shape[0];
    const cols = w.numel / rows;
    expect(gramError(w.data, rows, cols)).toBeLessThan(1e-4);
  });

  test('gain scales the matrix: W^T W = gain^2 I, and the same stream gives gain x the gain-1 matrix', () => {
    const one = init.orthogonal(zeros([40, 30]), { generator: new Generator(2) });
    const three = init.orthogonal(zeros([40, 30]), { gain: 3, generator: new Generator(2) });
    expect(gramError(three.data, 40, 30, 3)).toBeLessThan(1e-3);
    expectClose(three, Array.from(one.data, (v) => 3 * v), { rtol: 1e-6, atol: 0, label: 'orthogonal gain 3' });
  });

  test('is Haar-distributed: sign(diag(R)) removes the QR routine\'s sign bias (Mezzadri 2007)', () => {
    // Without the fix, Householder QR gives Q[0][0] = -|x00| / ||x0|| < 0 every time.
    const g = new Generator(99);
    let positive = 0;
    const trials = 400;
    for (let i = 0; i < trials; i++) if (init.orthogonal(zeros([4, 4]), { generator: g }).data[0] > 0) positive++;
    // Binomial(400, 1/2): sd 10, so 3 sd is 30.
    expect(Math.abs(positive - trials / 2)).toBeLessThan(30);
    // Entries of a Haar n x n orthogonal matrix have mean 0 and variance 1/n.
    const m = moments(init.orthogonal(zeros([128, 128]), { generator: g }).data);
    expectWithinSE('entry std', m.std, 1 / Math.sqrt(128), m.seStd);
    expectWithinSE('entry mean', m.mean, 0, m.seMean);
  });

  test('a large matrix stays orthogonal in float32 (256 x 256)', () => {
    const w = init.orthogonal(zeros([256, 256]), { generator: new Generator(5) });
    expect(gramError(w.data, 256, 256)).toBeLessThan(1e-4);
  });

  test('empty tensors are a no-op', () => {
    expect(init.orthogonal(zeros([0, 5])).numel).toBe(0);
  });
});

describe('randomness', () => {
  const random: [string, (t: Tensor, g: Generator) => Tensor][] = [
    ['uniform', (t, g) => init.uniform(t, -1, 1, { generator: g })],
    ['normal', (t, g) => init.normal(t, 0, 1, { generator: g })],
    ['truncNormal', (t, g) => init.truncNormal(t, { generator: g })],
    ['xavierUniform', (t, g) => init.xavierUniform(t, { generator: g })],
    ['xavierNormal', (t, g) => init.xavierNormal(t, { generator: g })],
    ['kaimingUniform', (t, g) => init.kaimingUniform(t, { generator: g })],
    ['kaimingNormal', (t, g) => init.kaimingNormal(t, { generator: g })],
    ['orthogonal', (t, g) => init.orthogonal(t, { generator: g })],
  ];
  test.each(random)('%s: same seed, same weights; the stream advances; any thread count', (_name, f) => {
    const g1 = new Generator(1234);
    const a = f(zeros([400, 400]), g1);
    const a2 = f(zeros([400, 400]), g1);
    const b = f(zeros([400, 400]), new Generator(1234));
    expect(same(b.data, a.data)).toBe(true);
    expect(same(a2.data, a.data)).toBe(false);
    setNumThreads(2);
    try {
      expect(same(f(zeros([400, 400]), new Generator(1234)).data, a.data)).toBe(true);
    } finally {
      setNumThreads(1);
    }
  });

  test('without a generator, the default one is used (manualSeed fixes it)', () => {
    manualSeed(77);
    const a = init.orthogonal(zeros([6, 6]));
    const b = init.kaimingUniform(zeros([6, 6]));
    manualSeed(77);
    expect(init.orthogonal(zeros([6, 6])).data).toEqual(a.data);
    expect(init.kaimingUniform(zeros([6, 6])).data).toEqual(b.data);
  });
});

describe('errors', () => {
  const t = zeros([4, 4]);
  test('wrong types', () => {
    expectError(() => init.uniform([1, 2] as never), 'TypeError', /^init\.uniform: expected a Tensor for tensor, got \[1, 2\]$/);
    expectError(() => init.normal(t, '0' as never), 'TypeError', /^init\.normal: expected a number for mean, got '0'$/);
    expectError(() => init.constant(t, null as never), 'TypeError', /expected a number for value, got null/);
    expectError(() => init.xavierUniform(t, { gain: '2' as never }), 'TypeError', /expected a number for gain, got '2'/);
    expectError(() => init.kaimingUniform(t, 5 as never), 'TypeError', /expected an options object for options, got 5/);
    expectError(() => init.orthogonal(t, { generator: 42 as never }), 'TypeError', /^init\.orthogonal: expected a Generator for generator, got 42$/);
    expectError(() => init.truncNormal(t, { a: '1' as never }), 'TypeError', /expected a number for a, got '1'/);
  });
  test('NaN and infinities', () => {
    expectError(() => init.uniform(t, NaN, 1), 'RangeError', /^init\.uniform: expected a finite number for a, got NaN$/);
    expectError(() => init.normal(t, 0, Infinity), 'RangeError', /expected a finite number for std, got Infinity/);
    expectError(() => init.truncNormal(t, { b: NaN }), 'RangeError', /expected a number or \+-Infinity for b, got NaN/);
    expectError(() => init.orthogonal(t, { gain: NaN }), 'RangeError', /expected a finite number for gain, got NaN/);
    expectError(() => init.kaimingNormal(t, { a: NaN }), 'RangeError', /expected a finite number for a, got NaN/);
  });
  test('negative or out-of-range values', () => {
    expectError(() => init.normal(t, 0, -1), 'RangeError', /^init\.normal: expected a non-negative number for std, got -1$/);
    expectError(() => init.truncNormal(t, { std: 0 }), 'RangeError', /expected a positive number for std, got 0/);
    expectError(() => init.truncNormal(t, { a: 1, b: 1 }), 'RangeError', /expected a < b \(b is 1\) for a, got 1/);
    expectError(() => init.uniform(t, 2, 1), 'RangeError', /expected a number <= b \(b is 1\) for a, got 2/);
    expectError(() => init.xavierUniform(t, { gain: -1 }), 'RangeError', /expected a non-negative number for gain, got -1/);
  });
  test('string options list the valid values', () => {
    expectError(() => init.kaimingUniform(t, { mode: 'fanin' as never }), 'RangeError', /^init\.kaimingUniform: expected 'fan_in' or 'fan_out' for mode, got 'fanin'$/);
    expectError(() => init.kaimingNormal(t, { nonlinearity: 'swish' as never }), 'RangeError', /^init\.kaimingNormal: expected 'linear', .* for nonlinearity, got 'swish'$/);
  });
  test('wrong shapes', () => {
    expectError(() => init.eye(zeros([2, 2, 2])), 'RangeError', /^init\.eye: expected a 2-D tensor for tensor, got shape \[2, 2, 2\]$/);
    expectError(() => init.orthogonal(zeros([7])), 'RangeError', /^init\.orthogonal: expected a tensor with at least 2 dimensions for tensor, got shape \[7\]$/);
    expectError(() => init.kaimingUniform(zeros([3])), 'RangeError', /at least 2 dimensions/);
  });
  test('the native kernels check their buffers as a backstop', () => {
    const k = native as unknown as {
      orthogonal(out: Float32Array, r: number, c: number, g: number, s: number, o: number): void;
      truncNormal(out: Float32Array, m: number, s: number, a: number, b: number, seed: number, o: number): void;
    };
    expectError(() => k.orthogonal(new Float32Array(5), 2, 3, 1, 0, 0), 'RangeError', /orthogonal: expected out to hold 6 elements, got 5/);
    expectError(() => k.orthogonal(new Float32Array(6), 2.5, 3, 1, 0, 0), 'RangeError', /for rows, got 2.5/);
    expectError(() => k.truncNormal(new Float32Array(6), 0, -1, -2, 2, 0, 0), 'RangeError', /positive number for std/);
    expectError(() => k.truncNormal(new Float32Array(6), 0, 1, 2, -2, 0, 0), 'RangeError', /a < b/);
    expectError(() => k.truncNormal(new Float64Array(6) as never, 0, 1, -2, 2, 0, 0), 'TypeError', /expected a Float32Array for out/);
  });
  test('no error leaves a gradient behind', () => {
    const p = new nn.Parameter(zeros([3, 3]));
    noGrad(() => init.kaimingUniform(p));
    expect(p.grad).toBeNull();
  });
});
