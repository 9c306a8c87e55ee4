// RMSNorm and F.rmsNorm against torch.nn.RMSNorm's formula evaluated by PyTorch
// (test/fixtures/gen_norm.py), a float64 reference, finite differences and error paths.
import { Tensor, tensor, nn } from '../lib';
import { native } from '../lib/native';
import { FixtureTensor as T, expectClose, expectError, expectMatchesFixture, expectSameOnTwoThreads, fixtureTensor, gradCheck, loadFixture, seeded } from './helpers';

interface RmsCase { ns: number[]; eps: number | null; x: T; weight: T | null; out: T; w: T; dx: T; dweight: T | null }
const F = nn.functional;
const fx = loadFixture<Record<string, RmsCase>>('norm');

// gen_norm.py: y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps) * wt, for:
const modules: Record<string, () => nn.RMSNorm> = {
  rms_default: () => new nn.RMSNorm(6), // nn.RMSNorm(6), eps = torch.finfo(torch.float32).eps
  rms_eps_2d: () => new nn.RMSNorm([3, 4], { eps: 1e-3 }), // nn.RMSNorm([3, 4], eps=1e-3)
  rms_noaffine: () => new nn.RMSNorm(8, { elementwiseAffine: false }), // nn.RMSNorm(8, elementwise_affine=False)
  rms_eps_large: () => new nn.RMSNorm(3, { eps: 1e-2 }), // nn.RMSNorm(3, eps=1e-2)
};

describe('RMSNorm matches PyTorch', () => {
  for (const [name, make] of Object.entries(modules)) {
    test(name, () => {
      const c = fx[name];
      expect(c).toBeDefined();
      const m = make();
      expect(m.weight === null).toBe(c.weight === null);
      if (c.weight) m.weight!.data.set(c.weight.data);
      expectMatchesFixture(c, (x) => m.forward(x), [['dweight', m.weight, c.dweight]]);
    });
  }

  test('F.rmsNorm with the default eps', () => {
    const c = fx.rms_default;
    const w = fixtureTensor(c.weight!, true);
    expectMatchesFixture(c, (x) => F.rmsNorm(x, 6, { weight: w }), [['dweight', w, c.dweight]]);
  });

  test('the default eps is float32 machine epsilon, where it shows', () => {
    // A zero row divides 0 by sqrt(eps): 0 out; a row of 1e-4 gives 1e-4 / sqrt(1e-8 + 2^-23).
    const y = F.rmsNorm(tensor([[1e-4, 1e-4]]), 2);
    const expected = 1e-4 / Math.sqrt(Math.fround(1e-4) ** 2 + 2 ** -23);
    expectClose(y, [expected, expected], { rtol: 1e-5, label: 'eps = 2^-23' });
    expect(new nn.RMSNorm(2).eps).toBeNull();
  });
});

describe('RMSNorm matches a float64 reference', () => {
  test('rows longer than a chunk', () => {
    const N = 3;
    const D = 5000;
    const eps = 1e-6;
    const x = tensor(seeded(N * D, 1, 0.3), { shape: [N, D], requiresGrad: true });
    const w = tensor(seeded(D, 2, 1, 0.5), { requiresGrad: true });
    const dy = seeded(N * D, 4);
    const y = F.rmsNorm(x, D, { weight: w, eps });
    y.backward(dy);
    const ry: number[] = [];
    const rdx: number[] = [];
    const rdw = new Float64Array(D);
    for (let i = 0; i < N; i++) {
      const row = Array.from(x.data.subarray(i * D, (i + 1) * D));
      const r = 1 / Math.sqrt(row.reduce((a, v) => a + v * v, 0) / D + eps);
      const gn = Array.from(dy.subarray(i * D, (i + 1) * D), (v, j) => v * w.data[j]);
      const mgx = gn.reduce((a, v, j) => a + v * row[j] * r, 0) / D;
      for (let j = 0; j < D; j++) {
        ry.push(row[j] * r * w.data[j]);
        rdx.push(r * (gn[j] - row[j] * r * mgx));
        rdw[j] += dy[i * D + j] * row[j] * r;
      }
    }
    expectClose(y, ry, { rtol: 1e-4, atol: 1e-5, label: 'out' });
    expectClose(x.grad!, rdx, { rtol: 1e-3, atol: 1e-5, label: 'dx' });
    expectClose(w.grad!, Array.from(rdw), { rtol: 1e-4, atol: 1e-4, label: 'dweight' });
  });

  test('two threads give the results of one (per-thread weight gradients)', () => {
    const run = () => {
      const x = tensor(seeded(256 * 512, 5), { shape: [256, 512], requiresGrad: true });
      const w = tensor(seeded(512, 6, 1), { requiresGrad: true });
      const y = F.rmsNorm(x, 512, { weight: w });
      y.backward(seeded(x.numel, 8));
      return [y.data, x.grad!.data, w.grad!.data];
    };
    expectSameOnTwoThreads(run, { rtol: 1e-5, atol: 1e-5 });
  });
});

describe('finite-difference gradient checks', () => {
  const r = (shape: number[], seed: number, shift = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => shift + Math.sin(i * 2.3 + seed) * 1.5), { shape, requiresGrad: true });
  };
  test('with weight, over two dimensions', () => {
    gradCheck((x, w) => F.rmsNorm(x, [2, 3], { weight: w }), [r([4, 2, 3], 1), r([2, 3], 2, 1)], { label: 'rmsNorm' });
  });
  test('without weight, large eps', () => {
    gradCheck((x) => F.rmsNorm(x, 5, { eps: 0.1 }), [r([3, 5], 3)], { label: 'rmsNorm no weight' });
  });
});

describe('module', () => {
  test('parameters, state dict and repr as PyTorch', () => {
    const m = new nn.RMSNorm([2, 3]);
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(Array.from(m.weight!.data)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(m.extraRepr()).toBe('(2, 3), eps=None, elementwise_affine=True');
    expect(new nn.RMSNorm(8, { eps: 1e-6, elementwiseAffine: false }).extraRepr()).toBe('(8,), eps=1e-06, elementwise_affine=False');
    expect(new nn.RMSNorm(8, { elementwiseAffine: false }).parameters()).toEqual([]);
  });
});

describe('errors', () => {
  test('wrong types', () => {
    expectError(() => new nn.RMSNorm(8, { eps: '1e-6' as unknown as number }), 'TypeError', /RMSNorm: expected a number for eps, got '1e-6'/);
    expectError(() => F.rmsNorm({} as unknown as Tensor, 2), 'TypeError', /rmsNorm: expected a Tensor for input, got an object/);
    expectError(() => F.rmsNorm(tensor([[1, 2]]), 2, 5 as never), 'TypeError', /rmsNorm: expected an options object for options, got 5/);
  });
  test('NaN, negative and non-integer', () => {
    expectError(() => new nn.RMSNorm(8, { eps: NaN }), 'RangeError', /RMSNorm: expected a finite number for eps, got NaN/);
    expectError(() => new nn.RMSNorm(8, { eps: -1 }), 'RangeError', /RMSNorm: expected a non-negative number for eps, got -1/);
    expectError(() => new nn.RMSNorm(2.5), 'RangeError', /RMSNorm: expected non-negative integer sizes for normalizedShape, got \[2.5\]/);
  });
  test('wrong shapes', () => {
    expectError(() => new nn.RMSNorm(4).forward(tensor(new Float32Array(10), { shape: [2, 5] })), 'RangeError', /^RMSNorm\.forward: expected shape \[\*, 4\] \(ending in normalizedShape\) for input, got \[2, 5\]$/);
    expectError(() => F.rmsNorm(tensor(new Float32Array(10), { shape: [2, 5] }), 5, { weight: tensor([1, 2]) }), 'RangeError', /rmsNorm: expected shape \[5\] for weight, got \[2\]/);
  });
  test('the native backstop refuses short buffers', () => {
    const k = native as unknown as Record<string, (...a: unknown[]) => void>;
    const f = (n: number) => new Float32Array(n);
    expectError(() => k.rmsNormForward(f(12), f(2), f(12), null, 3, 4, 1e-5), 'RangeError', /rmsNormForward: expected rstd to hold 3 elements, got 2/);
    expectError(() => k.rmsNormBackward(f(12), f(5), f(12), f(12), null, f(3), 3, 4), 'RangeError', /rmsNormBackward: expected dweight to hold 4 elements, got 5/);
    expectError(() => k.rmsNormBackward(f(12), null, f(12), f(12), null, f(3), -3, 4), 'RangeError', /rmsNormBackward: expected an integer in \[0, 2147483647\] for N, got -3/);
  });
});
