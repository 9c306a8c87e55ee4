// LayerNorm and F.layerNorm against PyTorch (test/fixtures/gen_norm.py), a float64 reference on
// rows longer than the kernel's chunk, finite differences and error paths.
import { Tensor, tensor, nn } from '../lib';
import { native } from '../lib/native';
import { FixtureTensor as T, expectClose, expectError, expectMatchesFixture, expectSameOnTwoThreads, fixtureTensor, gradCheck, loadFixture, seeded } from './helpers';

interface LnCase { ns: number[]; eps: number; x: T; weight: T | null; bias: T | null; out: T; w: T; dx: T; dweight: T | null; dbias: T | null }
const F = nn.functional;
const fx = loadFixture<Record<string, LnCase>>('norm');

// Each entry quotes the PyTorch module that the F.layer_norm call of gen_norm.py stands for.
const modules: Record<string, () => nn.LayerNorm> = {
  ln_1d: () => new nn.LayerNorm(6), // nn.LayerNorm(6)
  ln_2d: () => new nn.LayerNorm([3, 4]), // nn.LayerNorm([3, 4])
  ln_noaffine: () => new nn.LayerNorm(8, { elementwiseAffine: false }), // nn.LayerNorm(8, elementwise_affine=False)
  ln_nobias: () => new nn.LayerNorm(8, { bias: false }), // nn.LayerNorm(8, bias=False)
  ln_eps: () => new nn.LayerNorm(16, { eps: 1e-3 }), // nn.LayerNorm(16, eps=1e-3)
};

describe('LayerNorm matches PyTorch', () => {
  for (const [name, make] of Object.entries(modules)) {
    test(name, () => {
      const c = fx[name];
      expect(c).toBeDefined();
      const m = make();
      expect(m.weight === null).toBe(c.weight === null);
      expect(m.bias === null).toBe(c.bias === null);
      if (c.weight) m.weight!.data.set(c.weight.data);
      if (c.bias) m.bias!.data.set(c.bias.data);
      expectMatchesFixture(c, (x) => m.forward(x), [
        ['dweight', m.weight, c.dweight],
        ['dbias', m.bias, c.dbias],
      ]);
    });
  }

  test('F.layerNorm with the fixture of ln_2d', () => {
    // F.layer_norm(x, [3, 4], w, b, 1e-5)
    const c = fx.ln_2d;
    const w = fixtureTensor(c.weight!, true);
    const b = fixtureTensor(c.bias!, true);
    expectMatchesFixture(c, (x) => F.layerNorm(x, [3, 4], { weight: w, bias: b, eps: 1e-5 }), [
      ['dweight', w, c.dweight],
      ['dbias', b, c.dbias],
    ]);
  });
});

describe('LayerNorm matches a float64 reference', () => {
  // D = 5000 spans two of the kernel's 4096-element chunks; the offset checks |mean| >> std.
  for (const [label, N, D, shift] of [['long rows', 3, 5000, 0], ['large mean', 20, 64, 500]] as const) {
    test(label, () => {
      const x = tensor(seeded(N * D, 1, shift), { shape: [N, D], requiresGrad: true });
      const w = tensor(seeded(D, 2, 1, 0.5), { requiresGrad: true });
      const b = tensor(seeded(D, 3), { requiresGrad: true });
      const dy = seeded(N * D, 4);
      const y = F.layerNorm(x, D, { weight: w, bias: b });
      y.backward(dy);
      const ry: number[] = [];
      const rdx: number[] = [];
      const rdw = new Float64Array(D);
      const rdb = new Float64Array(D);
      for (let i = 0; i < N; i++) {
        const row = Array.from(x.data.subarray(i * D, (i + 1) * D));
        const g = Array.from(dy.subarray(i * D, (i + 1) * D));
        const m = row.reduce((a, v) => a + v, 0) / D;
        const r = 1 / Math.sqrt(row.reduce((a, v) => a + (v - m) ** 2, 0) / D + 1e-5);
        const xh = row.map((v) => (v - m) * r);
        const gn = g.map((v, j) => v * w.data[j]);
        const mg = gn.reduce((a, v) => a + v, 0) / D;
        const mgx = gn.reduce((a, v, j) => a + v * xh[j], 0) / D;
        for (let j = 0; j < D; j++) {
          ry.push(xh[j] * w.data[j] + b.data[j]);
          rdx.push(r * (gn[j] - mg - xh[j] * mgx));
          rdw[j] += g[j] * xh[j];
          rdb[j] += g[j];
        }
      }
      const atol = shift ? 1e-4 : 1e-5;
      expectClose(y, ry, { rtol: 1e-4, atol, label: 'out' });
      expectClose(x.grad!, rdx, { rtol: 1e-3, atol, label: 'dx' });
      expectClose(w.grad!, Array.from(rdw), { rtol: 1e-4, atol: 1e-3, label: 'dweight' });
      expectClose(b.grad!, Array.from(rdb), { rtol: 1e-4, atol: 1e-4, label: 'dbias' });
    });
  }

  test('bitwise the same wherever the buffers sit (sums do not depend on alignment)', () => {
    // The same values at byte offsets 0, 4, ..., 60: every alignment modulo 64 bytes.
    const N = 4;
    const D = 1000;
    const values = seeded(N * D, 11, 100);
    const dy = seeded(N * D, 12);
    const results = [0, 1, 2, 3, 5, 8, 13, 15].map((k) => {
      const x = tensor(new Float32Array(N * D), { shape: [N, D], requiresGrad: true });
      x.data = new Float32Array(new ArrayBuffer(4 * (N * D + 16)), 4 * k, N * D);
      x.data.set(values);
      const w = tensor(seeded(D, 13, 1), { requiresGrad: true });
      const y = F.layerNorm(x, D, { weight: w });
      y.backward(dy);
      return [y.data, x.grad!.data, w.grad!.data];
    });
    for (const r of results.slice(1)) r.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(results[0][i])));
  });

  test('two threads give the results of one (per-thread weight gradients)', () => {
    const run = () => {
      const x = tensor(seeded(256 * 512, 5), { shape: [256, 512], requiresGrad: true });
      const w = tensor(seeded(512, 6, 1), { requiresGrad: true });
      const b = tensor(seeded(512, 7), { requiresGrad: true });
      const y = F.layerNorm(x, 512, { weight: w, bias: b });
      y.backward(seeded(x.numel, 8));
      return [y.data, x.grad!.data, w.grad!.data, b.grad!.data];
    };
    expectSameOnTwoThreads(run, { rtol: 1e-5, atol: 1e-5 });
  });
});

describe('finite-difference gradient checks', () => {
  const r = (shape: number[], seed: number, shift = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => shift + Math.sin(i * 2.3 + seed) * 1.5), { shape, requiresGrad: true });
  };
  test('weight and bias over two dimensions', () => {
    gradCheck((x, w, b) => F.layerNorm(x, [2, 5], { weight: w, bias: b }), [r([3, 2, 5], 1), r([2, 5], 2, 1), r([2, 5], 3)], { label: 'layerNorm' });
  });
  test('without affine', () => {
    gradCheck((x) => F.layerNorm(x, 7), [r([4, 7], 4)], { label: 'layerNorm no affine' });
  });
  test('weight only', () => {
    gradCheck((x, w) => F.layerNorm(x, 6, { weight: w, eps: 1e-3 }), [r([3, 6], 5), r([6], 6, 1)], { label: 'layerNorm weight only' });
  });
});

describe('module', () => {
  test('parameters, state dict and repr as PyTorch', () => {
    const ln = new nn.LayerNorm([2, 3]);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(ln.weight!.shape).toEqual([2, 3]);
    expect(Array.from(ln.weight!.data)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(ln.bias!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(ln.extraRepr()).toBe('(2, 3), eps=1e-05, elementwise_affine=True');
    expect(new nn.LayerNorm(10, { eps: 1e-3, elementwiseAffine: false }).extraRepr()).toBe('(10,), eps=0.001, elementwise_affine=False');
    expect(Object.keys(new nn.LayerNorm(4, { bias: false }).stateDict())).toEqual(['weight']);
    expect(new nn.LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
  });
  test('normalizedShape as a number equals the one-element array', () => {
    const x = tensor(seeded(12, 9), { shape: [3, 4] });
    expectClose(new nn.LayerNorm(4).forward(x), new nn.LayerNorm([4]).forward(x), { label: 'LayerNorm(4) vs LayerNorm([4])' });
  });
});

describe('errors', () => {
  test('wrong types', () => {
    expectError(() => new nn.LayerNorm('8' as unknown as number), 'TypeError', /LayerNorm: expected a number or an array of sizes for normalizedShape, got '8'/);
    expectError(() => new nn.LayerNorm(8, { elementwiseAffine: 'no' as unknown as boolean }), 'TypeError', /LayerNorm: expected a boolean for elementwiseAffine, got 'no'/);
    expectError(() => F.layerNorm(tensor([[1, 2]]), 2, { weight: [1, 1] as unknown as Tensor }), 'TypeError', /layerNorm: expected a Tensor for weight, got \[1, 1\]/);
    expectError(() => new nn.LayerNorm(2).forward(null as unknown as Tensor), 'TypeError', /LayerNorm\.forward: expected a Tensor for input, got null/);
  });
  test('NaN and negative', () => {
    expectError(() => new nn.LayerNorm(8, { eps: NaN }), 'RangeError', /LayerNorm: expected a finite number for eps, got NaN/);
    expectError(() => F.layerNorm(tensor([[1, 2]]), 2, { eps: -1 }), 'RangeError', /layerNorm: expected a non-negative number for eps, got -1/);
    expectError(() => new nn.LayerNorm(-3), 'RangeError', /LayerNorm: expected non-negative integer sizes for normalizedShape, got \[-3\]/);
  });
  test('non-integer and empty shapes', () => {
    expectError(() => new nn.LayerNorm([2, 1.5]), 'RangeError', /LayerNorm: expected non-negative integer sizes for normalizedShape, got \[2, 1.5\]/);
    expectError(() => new nn.LayerNorm([]), 'RangeError', /LayerNorm: expected at least one dimension for normalizedShape, got \[\]/);
  });
  test('wrong shapes', () => {
    expectError(() => F.layerNorm(tensor(new Float32Array(10), { shape: [2, 5] }), [10]), 'RangeError', /^layerNorm: expected shape \[\*, 10\] \(ending in normalizedShape\) for input, got \[2, 5\]$/);
    expectError(() => new nn.LayerNorm([3, 4]).forward(tensor(new Float32Array(12), { shape: [4, 3] })), 'RangeError', /LayerNorm\.forward: expected shape \[\*, 3, 4\] \(ending in normalizedShape\) for input, got \[4, 3\]/);
    expectError(() => F.layerNorm(tensor(new Float32Array(10), { shape: [2, 5] }), 5, { bias: tensor([1, 2, 3]) }), 'RangeError', /layerNorm: expected shape \[5\] for bias, got \[3\]/);
  });
  test('the native backstop refuses short buffers', () => {
    const k = native as unknown as Record<string, (...a: unknown[]) => void>;
    const f = (n: number) => new Float32Array(n);
    expectError(() => k.layerNormForward(f(12), f(3), f(3), f(11), null, null, 3, 4, 1e-5), 'RangeError', /layerNormForward: expected inp to hold 12 elements, got 11/);
    expectError(() => k.layerNormBackward(f(12), f(4), f(3), f(12), f(12), null, f(3), f(3), 3, 4), 'RangeError', /layerNormBackward: expected dbias to hold 4 elements, got 3/);
    expectError(() => k.layerNormForward(f(12), f(3), f(3), f(12), null, null, 3, 4, NaN), 'RangeError', /layerNormForward: expected a finite number for eps, got NaN/);
  });
});
