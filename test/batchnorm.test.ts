// BatchNorm1d/2d and F.batchNorm against PyTorch (test/fixtures/gen_norm.py), a float64
// reference on shapes that exercise the kernel's chunked and threaded paths, finite
// differences, state-dict layout and error paths.
import { Tensor, tensor, nn } from '../lib';
import { native } from '../lib/native';
import { FixtureTensor as T, expectClose, expectError, expectMatchesFixture, expectSameOnTwoThreads, fixtureTensor, gradCheck, loadFixture, seeded } from './helpers';

interface Step { x: T; out: T; w: T; dx: T; dweight: T | null; dbias: T | null; running_mean?: T; running_var?: T; num_batches_tracked?: number }
interface BnCase { weight: T | null; bias: T | null; steps: Step[]; eval?: Step }
const F = nn.functional;
const fx = loadFixture<Record<string, unknown>>('norm');

type BN = nn.BatchNorm1d | nn.BatchNorm2d;
// Each entry quotes the PyTorch module of gen_norm.py that it mirrors.
const modules: Record<string, () => BN> = {
  bn1d_2d: () => new nn.BatchNorm1d(5), // nn.BatchNorm1d(5) on (8, 5)
  bn1d_3d: () => new nn.BatchNorm1d(3), // nn.BatchNorm1d(3) on (4, 3, 7)
  bn2d_short: () => new nn.BatchNorm2d(4), // nn.BatchNorm2d(4) on (3, 4, 5, 6)
  bn2d_long: () => new nn.BatchNorm2d(3), // nn.BatchNorm2d(3) on (2, 3, 8, 8)
  bn1d_steps: () => new nn.BatchNorm1d(4, { momentum: 0.3 }), // nn.BatchNorm1d(4, momentum=0.3)
  bn2d_steps: () => new nn.BatchNorm2d(2), // nn.BatchNorm2d(2), three steps then eval
  bn1d_cumulative: () => new nn.BatchNorm1d(3, { momentum: null }), // nn.BatchNorm1d(3, momentum=None)
  bn2d_untracked: () => new nn.BatchNorm2d(3, { trackRunningStats: false }), // track_running_stats=False
  bn1d_noaffine: () => new nn.BatchNorm1d(4, { affine: false }), // nn.BatchNorm1d(4, affine=False)
  bn2d_eps: () => new nn.BatchNorm2d(2, { eps: 1e-2 }), // nn.BatchNorm2d(2, eps=1e-2)
};

/** BatchNorm's parameter gradients sum over the batch: a looser atol than the norms over rows. */
const BN_PARAMS = { rtol: 1e-4, atol: 1e-4 };

function checkStep(m: BN, s: Step, label: string): void {
  m.zeroGrad();
  expectMatchesFixture(
    s,
    (x) => m.forward(x),
    [
      ['dweight', m.weight, s.dweight],
      ['dbias', m.bias, s.dbias],
    ],
    { label, params: BN_PARAMS },
  );
  if (s.running_mean) {
    expectClose(m.runningMean!, s.running_mean.data, { rtol: 1e-5, atol: 1e-6, label: `${label} running_mean` });
    expectClose(m.runningVar!, s.running_var!.data, { rtol: 1e-5, atol: 1e-6, label: `${label} running_var` });
    expect(m.numBatchesTracked!.item()).toBe(s.num_batches_tracked);
  }
}

describe('BatchNorm matches PyTorch', () => {
  for (const [name, make] of Object.entries(modules)) {
    test(name, () => {
      const c = fx[name] as BnCase;
      expect(c).toBeDefined();
      const m = make();
      if (c.weight) m.weight!.data.set(c.weight.data);
      if (c.bias) m.bias!.data.set(c.bias.data);
      m.train();
      c.steps.forEach((s, i) => checkStep(m, s, `${name} step ${i}`));
      if (c.eval) {
        m.eval();
        checkStep(m, c.eval, `${name} eval`);
      }
    });
  }

  test('F.batchNorm without running statistics', () => {
    // F.batch_norm(x, None, None, wt, bs, training=True, momentum=0.1, eps=1e-5)
    const c = fx.f_batch_norm as Step & { weight: T; bias: T };
    const w = fixtureTensor(c.weight, true);
    const b = fixtureTensor(c.bias, true);
    expectMatchesFixture(
      c,
      (x) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true, momentum: 0.1, eps: 1e-5 }),
      [
        ['dweight', w, c.dweight],
        ['dbias', b, c.dbias],
      ],
      { params: BN_PARAMS },
    );
  });
});

// ---- float64 reference ---------------------------------------------------------------------

/** Training-mode batch norm and its backward in float64, straight from the formulas. */
function reference(x: Float32Array, dy: Float32Array, w: Float32Array, b: Float32Array, N: number, C: number, L: number, eps: number) {
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(C);
  const db = new Float64Array(C);
  const n = N * L;
  for (let c = 0; c < C; c++) {
    const at = (i: number, l: number) => (i * C + c) * L + l;
    let s = 0;
    for (let i = 0; i < N; i++) for (let l = 0; l < L; l++) s += x[at(i, l)];
    const m = s / n;
    let q = 0;
    for (let i = 0; i < N; i++) for (let l = 0; l < L; l++) q += (x[at(i, l)] - m) ** 2;
    const r = 1 / Math.sqrt(q / n + eps);
    let sdy = 0;
    let sdyx = 0;
    for (let i = 0; i < N; i++) {
      for (let l = 0; l < L; l++) {
        const xh = (x[at(i, l)] - m) * r;
        y[at(i, l)] = xh * w[c] + b[c];
        sdy += dy[at(i, l)];
        sdyx += dy[at(i, l)] * xh;
      }
    }
    dw[c] = sdyx;
    db[c] = sdy;
    for (let i = 0; i < N; i++) {
      for (let l = 0; l < L; l++) {
        const xh = (x[at(i, l)] - m) * r;
        dx[at(i, l)] = w[c] * r * (dy[at(i, l)] - sdy / n - (xh * sdyx) / n);
      }
    }
  }
  return { y, dx, dw, db };
}

describe('BatchNorm matches a float64 reference', () => {
  // L = 5000 spans two of the kernel's 4096-element chunks; L = 1 with many channels is the
  // (N, C) path; the offset of 1000 checks that the statistics survive |mean| >> std.
  const cases: [string, number[], number][] = [
    ['long runs, two chunks', [3, 2, 5000], 0],
    ['short runs, (N, C)', [64, 300], 0],
    ['short runs, L = 3', [50, 40, 3], 0],
    ['large mean, long runs', [4, 3, 100], 1000],
    ['large mean, short runs', [400, 3], 1000],
  ];
  for (const [label, shape, shift] of cases) {
    test(label, () => {
      const [N, C] = shape;
      const L = shape.length === 3 ? shape[2] : 1;
      const n = N * C * L;
      const x = tensor(seeded(n, 1, shift), { shape, requiresGrad: true });
      const w = tensor(seeded(C, 2, 1, 0.5), { requiresGrad: true });
      const b = tensor(seeded(C, 3), { requiresGrad: true });
      const dy = seeded(n, 4);
      const ref = reference(x.data, dy, w.data, b.data, N, C, L, 1e-5);
      const y = F.batchNorm(x, null, null, { weight: w, bias: b, training: true });
      expectClose(y, Array.from(ref.y), { rtol: 1e-4, atol: shift ? 1e-4 : 1e-5, label: 'out' });
      y.backward(dy);
      expectClose(x.grad!, Array.from(ref.dx), { rtol: 1e-3, atol: shift ? 1e-4 : 1e-5, label: 'dx' });
      expectClose(w.grad!, Array.from(ref.dw), { rtol: 1e-4, atol: 1e-3, label: 'dweight' });
      expectClose(b.grad!, Array.from(ref.db), { rtol: 1e-4, atol: 1e-3, label: 'dbias' });
    });
  }

  test('running variance survives |mean| >> std', () => {
    // Values 1000 +- 0.01: sum(x^2) - n mean^2 in float would lose every digit of the variance.
    const N = 1000;
    const data = new Float32Array(N * 2);
    for (let i = 0; i < N * 2; i++) data[i] = 1000 + 0.01 * Math.sin(i * 0.37);
    const bn = new nn.BatchNorm1d(2, { momentum: 1 });
    bn.forward(tensor(data, { shape: [N, 2] }));
    for (let c = 0; c < 2; c++) {
      let m = 0;
      for (let i = 0; i < N; i++) m += data[i * 2 + c];
      m /= N;
      let q = 0;
      for (let i = 0; i < N; i++) q += (data[i * 2 + c] - m) ** 2;
      expect(bn.runningMean!.data[c]).toBeCloseTo(m, 3);
      expect(Math.abs(bn.runningVar!.data[c] - q / (N - 1)) / (q / (N - 1))).toBeLessThan(1e-3);
    }
  });

  test('bitwise the same wherever the buffer sits (sums do not depend on alignment)', () => {
    const shape = [3, 2, 500];
    const values = seeded(3000, 11, 10);
    const results = [0, 1, 3, 7, 9, 15].map((k) => {
      const x = tensor(new Float32Array(3000), { shape, requiresGrad: true });
      x.data = new Float32Array(new ArrayBuffer(4 * 3016), 4 * k, 3000);
      x.data.set(values);
      const bn = new nn.BatchNorm1d(2);
      const y = bn.forward(x);
      y.backward(seeded(3000, 12));
      return [y.data, x.grad!.data, bn.weight!.grad!.data, bn.runningVar!.data];
    });
    for (const r of results.slice(1)) r.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(results[0][i])));
  });

  test('two threads give the results of one', () => {
    const run = () => {
      const x = tensor(seeded(16 * 8 * 300, 5), { shape: [16, 8, 300], requiresGrad: true });
      const w = tensor(seeded(8, 6, 1), { requiresGrad: true });
      const y = F.batchNorm(x, null, null, { weight: w, training: true });
      y.backward(seeded(x.numel, 7));
      return [y.data, x.grad!.data, w.grad!.data];
    };
    expectSameOnTwoThreads(run, { rtol: 1e-6, atol: 1e-6 });
  });
});

describe('finite-difference gradient checks', () => {
  const r = (shape: number[], seed: number, shift = 0) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => shift + Math.sin(i * 2.3 + seed) * 1.5), { shape, requiresGrad: true });
  };
  test('training, short runs (N, C, L = 3)', () => {
    gradCheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [r([4, 3, 3], 1), r([3], 2, 1), r([3], 3)], { label: 'bn short' });
  });
  test('training, long runs (L = 32)', () => {
    gradCheck((x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [r([2, 2, 4, 8], 1), r([2], 2, 1), r([2], 3)], { label: 'bn long' });
  });
  test('training without affine', () => {
    gradCheck((x) => F.batchNorm(x, null, null, { training: true }), [r([5, 4], 4)], { label: 'bn no affine' });
  });
  test('evaluation with running statistics', () => {
    const rm = tensor([0.5, -0.2, 1.0]);
    const rv = tensor([1.5, 0.7, 2.0]);
    gradCheck((x, w, b) => F.batchNorm(x, rm, rv, { weight: w, bias: b, training: false }), [r([3, 3, 2], 5), r([3], 6, 1), r([3], 7)], { label: 'bn eval' });
  });
});

describe('state dict and repr', () => {
  test("keys in PyTorch's order, num_batches_tracked a shape-[] count", () => {
    const bn = new nn.BatchNorm1d(16);
    const sd = bn.stateDict();
    expect(Object.keys(sd)).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(sd.num_batches_tracked.shape).toEqual([]);
    expect(sd.running_var.toArray()).toEqual(new Array(16).fill(1));
    bn.forward(tensor(seeded(32, 1), { shape: [2, 16] }));
    bn.forward(tensor(seeded(32, 2), { shape: [2, 16] }));
    expect(bn.stateDict().num_batches_tracked.item()).toBe(2);
    expect(bn.parameters().length).toBe(2);
    expect(bn.buffers().length).toBe(3);
  });

  test('affine false and trackRunningStats false drop their tensors, as PyTorch', () => {
    expect(Object.keys(new nn.BatchNorm2d(3, { affine: false }).stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    const untracked = new nn.BatchNorm2d(3, { trackRunningStats: false });
    expect(Object.keys(untracked.stateDict())).toEqual(['weight', 'bias']);
    expect(untracked.runningMean).toBeNull();
    expect(untracked.numBatchesTracked).toBeNull();
  });

  test('inside a Sequential, and loadStateDict round-trips', () => {
    const net = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3));
    expect(Object.keys(net.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
    net.forward(tensor(seeded(20, 3), { shape: [5, 4] }));
    const copy = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3));
    copy.loadStateDict(net.stateDict());
    const bn = copy.get(1) as nn.BatchNorm1d;
    expect(bn.numBatchesTracked!.item()).toBe(1);
    expectClose(bn.runningVar!, (net.get(1) as nn.BatchNorm1d).runningVar!, { label: 'running_var' });
  });

  test('extraRepr reads like PyTorch', () => {
    expect(new nn.BatchNorm1d(16).extraRepr()).toBe('16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True');
    expect(new nn.BatchNorm2d(3, { momentum: null, affine: false, trackRunningStats: false }).extraRepr()).toBe('3, eps=1e-05, momentum=None, affine=False, track_running_stats=False');
    expect(new nn.BatchNorm2d(8, { eps: 0.001, momentum: 0.01 }).toString()).toMatch(/^BatchNorm2d\(8, eps=0\.001, momentum=0\.01, affine=True, track_running_stats=True\)/);
  });

  test('one sample is fine in evaluation, and eval leaves the running statistics alone', () => {
    const bn = new nn.BatchNorm1d(4).eval();
    const y = bn.forward(tensor([[1, 2, 3, 4]]));
    expectClose(y, [1, 2, 3, 4].map((v) => v / Math.sqrt(1 + 1e-5)), { label: 'eval out' });
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(Array.from(bn.runningMean!.data)).toEqual([0, 0, 0, 0]);
  });

  test('an empty batch leaves the running statistics alone, as PyTorch', () => {
    const bn = new nn.BatchNorm1d(3);
    const y = bn.forward(tensor(new Float32Array(0), { shape: [0, 3] }));
    expect(y.shape).toEqual([0, 3]);
    expect(Array.from(bn.runningVar!.data)).toEqual([1, 1, 1]);
  });
});

describe('errors', () => {
  test('wrong types', () => {
    expectError(() => new nn.BatchNorm1d('16' as unknown as number), 'TypeError', /BatchNorm1d: expected an integer for numFeatures, got '16'/);
    expectError(() => new nn.BatchNorm1d(4, { affine: 1 as unknown as boolean }), 'TypeError', /BatchNorm1d: expected a boolean for affine, got 1/);
    expectError(() => new nn.BatchNorm1d(4).forward([[1, 2]] as unknown as Tensor), 'TypeError', /BatchNorm1d\.forward: expected a Tensor for input, got an array/);
    expectError(() => F.batchNorm(tensor([[1, 2]]), null, null, { training: 'yes' as unknown as boolean }), 'TypeError', /batchNorm: expected a boolean for training, got 'yes'/);
  });
  test('NaN', () => {
    expectError(() => new nn.BatchNorm2d(4, { eps: NaN }), 'RangeError', /BatchNorm2d: expected a finite number for eps, got NaN/);
    expectError(() => new nn.BatchNorm2d(4, { momentum: NaN }), 'RangeError', /BatchNorm2d: expected a finite number for momentum, got NaN/);
  });
  test('negative and out of range', () => {
    expectError(() => new nn.BatchNorm1d(-1), 'RangeError', /BatchNorm1d: expected an integer in \[1, 2147483647\] for numFeatures, got -1/);
    expectError(() => new nn.BatchNorm1d(4, { eps: -1e-5 }), 'RangeError', /BatchNorm1d: expected a non-negative number for eps, got -0.00001/);
    expectError(() => new nn.BatchNorm1d(4, { momentum: 1.5 }), 'RangeError', /BatchNorm1d: expected a number in \[0, 1\] for momentum, got 1.5/);
  });
  test('non-integer', () => {
    expectError(() => new nn.BatchNorm1d(2.5), 'RangeError', /BatchNorm1d: expected an integer in \[1, 2147483647\] for numFeatures, got 2.5/);
  });
  test('wrong shapes', () => {
    expectError(() => new nn.BatchNorm1d(16).forward(tensor(new Float32Array(120), { shape: [8, 15] })), 'RangeError', /^BatchNorm1d\.forward: expected 16 channels for input, got \[8, 15\]$/);
    expectError(() => new nn.BatchNorm1d(16).forward(tensor(new Float32Array(128), { shape: [2, 16, 2, 2] })), 'RangeError', /BatchNorm1d\.forward: expected a 2-D \(N, C\) or 3-D \(N, C, L\) tensor for input, got \[2, 16, 2, 2\]/);
    expectError(() => new nn.BatchNorm2d(3).forward(tensor(new Float32Array(12), { shape: [2, 3, 2] })), 'RangeError', /BatchNorm2d\.forward: expected a 4-D tensor \(N, C, H, W\) for input, got \[2, 3, 2\]/);
    expectError(() => F.batchNorm(tensor([1, 2, 3]), null, null, { training: true }), 'RangeError', /batchNorm: expected at least 2 dimensions \(N, C, \.\.\.\) for input, got \[3\]/);
    expectError(() => F.batchNorm(tensor([[1, 2], [3, 4]]), tensor([0, 0, 0]), tensor([1, 1])), 'RangeError', /batchNorm: expected shape \[2\] for runningMean, got \[3\]/);
    expectError(() => F.batchNorm(tensor([[1, 2], [3, 4]]), null, null, { training: true, weight: tensor([1]) }), 'RangeError', /batchNorm: expected shape \[2\] for weight, got \[1\]/);
  });
  test('one value per channel in training, as PyTorch', () => {
    const bn = new nn.BatchNorm1d(3);
    expectError(() => bn.forward(tensor([[1, 2, 3]])), 'RangeError', /BatchNorm1d\.forward: expected more than 1 value per channel when training for input, got shape \[1, 3\]/);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expectError(() => new nn.BatchNorm2d(3).forward(tensor(new Float32Array(3), { shape: [1, 3, 1, 1] })), 'RangeError', /more than 1 value per channel/);
  });
  test('evaluation needs running statistics', () => {
    expectError(() => F.batchNorm(tensor([[1, 2], [3, 4]]), null, null), 'TypeError', /batchNorm: expected a Tensor in evaluation \(training: false\) for runningMean, got null/);
  });
  test('the native backstop refuses short buffers and bad sizes', () => {
    const k = native as unknown as Record<string, (...a: unknown[]) => void>;
    const f = (n: number) => new Float32Array(n);
    expectError(() => k.batchNormForwardTrain(f(11), f(3), f(3), null, null, f(12), null, null, 2, 3, 2, 0.1, 1e-5), 'RangeError', /batchNormForwardTrain: expected out to hold 12 elements, got 11/);
    expectError(() => k.batchNormForwardEval(f(12), f(3), f(3), f(12), null, null, f(2), f(3), 2, 3, 2, 1e-5), 'RangeError', /batchNormForwardEval: expected runningMean to hold 3 elements, got 2/);
    expectError(() => k.batchNormBackward(f(12), f(2), null, f(12), f(12), null, f(3), f(3), 2, 3, 2, true), 'RangeError', /batchNormBackward: expected dweight to hold 3 elements, got 2/);
    expectError(() => k.batchNormBackward(f(12), null, null, f(12), f(12), null, f(3), f(3), 2, 3, 2.5, true), 'RangeError', /batchNormBackward: expected an integer in \[0, 2147483647\] for L, got 2.5/);
    expectError(() => k.batchNormForwardTrain(f(0), f(70000), f(70000), null, null, f(0), null, null, 0, 70000, 70000, 0.1, 1e-5), 'RangeError', /expected at most 2147483647 elements for C \* L/);
    expectError(() => k.batchNormForwardTrain(f(12), f(3), f(3), null, null, [1, 2], null, null, 2, 3, 2, 0.1, 1e-5), 'TypeError', /batchNormForwardTrain: expected a Float32Array for inp, got an array/);
  });
});
