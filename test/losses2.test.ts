// Issue 17's losses against PyTorch (test/fixtures/gen_losses2.py): BCELoss, HuberLoss,
// SmoothL1Loss, KLDivLoss, CosineEmbeddingLoss and the class weights of CrossEntropyLoss and
// BCEWithLogitsLoss; finite differences; bad input.
import { Tensor, tensor, nn } from '../lib';
import { expectClose, expectError, gradCheck, loadFixture } from './helpers';

const F = nn.functional;

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface T {
  shape: number[];
  data: Num[];
}
interface Case {
  kind: 'binaryCrossEntropy' | 'huberLoss' | 'smoothL1Loss' | 'klDiv' | 'cosineEmbeddingLoss' | 'crossEntropy' | 'binaryCrossEntropyWithLogits';
  opts: Record<string, unknown>;
  tensorOpts: Record<string, T>;
  args: T[];
  grad: boolean[];
  out: T;
  w: T;
  grads: (Num[] | null)[];
}
const fixture = loadFixture<{ losses: Record<string, Case> }>('losses2');
const cases = fixture.losses;
// JSON has no Infinity or NaN: the generator writes them as strings.
const nums = (d: Num[]) => d.map((v) => (typeof v === 'number' ? v : Number(v)));
const t = (x: T, requiresGrad = false) => tensor(new Float32Array(nums(x.data)), { shape: x.shape, requiresGrad });

function run(c: Case, args: Tensor[]): Tensor {
  const opts: Record<string, unknown> = { ...c.opts };
  for (const [k, v] of Object.entries(c.tensorOpts)) opts[k] = t(v);
  switch (c.kind) {
    case 'binaryCrossEntropy':
      return F.binaryCrossEntropy(args[0], args[1], opts); // F.binary_cross_entropy(p, y, weight=w, reduction=red)
    case 'huberLoss':
      return F.huberLoss(args[0], args[1], opts); // F.huber_loss(x, y, reduction=red, delta=d)
    case 'smoothL1Loss':
      return F.smoothL1Loss(args[0], args[1], opts); // F.smooth_l1_loss(x, y, reduction=red, beta=b)
    case 'klDiv':
      return F.klDiv(args[0], args[1], opts); // F.kl_div(inp, t, reduction=red, log_target=lt)
    case 'cosineEmbeddingLoss':
      return F.cosineEmbeddingLoss(args[0], args[1], args[2], opts); // F.cosine_embedding_loss(x1, x2, y, margin=m, reduction=red)
    case 'crossEntropy':
      return F.crossEntropy(args[0], args[1], opts); // F.cross_entropy(x, t, weight=cw, label_smoothing=ls, reduction=red)
    case 'binaryCrossEntropyWithLogits':
      return F.binaryCrossEntropyWithLogits(args[0], args[1], opts); // F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, ...)
  }
}

describe('losses match PyTorch (forward and backward)', () => {
  test('the fixture covers every loss, reduction and edge case', () => {
    const kinds = new Set(Object.values(cases).map((c) => `${c.kind} ${c.opts.reduction ?? 'mean'}`));
    for (const k of ['binaryCrossEntropy', 'huberLoss', 'smoothL1Loss', 'klDiv', 'cosineEmbeddingLoss', 'crossEntropy', 'binaryCrossEntropyWithLogits']) {
      for (const r of ['mean', 'sum', 'none']) expect(kinds).toContain(`${k} ${r}`);
    }
    expect(kinds).toContain('klDiv batchmean');
  });

  for (const [name, c] of Object.entries(cases)) {
    test(name, () => {
      const args = c.args.map((a, i) => t(a, c.grad[i]));
      const loss = run(c, args);
      expect(loss.shape).toEqual(c.out.shape);
      expectClose(loss, nums(c.out.data), { rtol: 1e-5, atol: 1e-6, label: `${name} forward` });
      // (loss * w).sum().backward(), or loss.backward() for a scalar
      if (loss.ndim === 0) loss.backward();
      else loss.mul(t(c.w)).sum().backward();
      c.grads.forEach((g, i) => {
        if (g === null) {
          expect(args[i].grad).toBeNull();
          return;
        }
        expectClose(args[i].grad!, nums(g), { rtol: 1e-4, atol: 1e-6, label: `${name} grad of argument ${i}` });
      });
    });
  }

  test('the modules compute what the functions do, with PyTorch state-dict keys', () => {
    const b = cases['bce_w_sum'];
    const bce = new nn.BCELoss({ weight: t(b.tensorOpts.weight), reduction: 'sum' });
    expectClose(bce.forward(t(b.args[0]), t(b.args[1])), nums(b.out.data), { rtol: 1e-5, label: 'BCELoss' });
    expect(Object.keys(bce.stateDict())).toEqual(['weight']); // BCELoss(weight=w).state_dict().keys()
    expect(Object.keys(new nn.BCELoss().stateDict())).toEqual([]);
    const h = cases['huber_delta0.5'];
    expectClose(new nn.HuberLoss({ delta: 0.5, reduction: 'none' }).forward(t(h.args[0]), t(h.args[1])), nums(h.out.data), { label: 'HuberLoss' });
    const s = cases['smoothl1_beta2.0'];
    expectClose(new nn.SmoothL1Loss({ beta: 2, reduction: 'none' }).forward(t(s.args[0]), t(s.args[1])), nums(s.out.data), { label: 'SmoothL1Loss' });
    const k = cases['kl_log_batchmean'];
    expectClose(new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }).forward(t(k.args[0]), t(k.args[1])), nums(k.out.data), { rtol: 1e-5, label: 'KLDivLoss' });
    const km = cases['kl_mean'];
    expectClose(new nn.KLDivLoss().forward(t(km.args[0]), t(km.args[1])), nums(km.out.data), { rtol: 1e-5, label: 'KLDivLoss mean' });
    const co = cases['cos_m0.2_mean'];
    const cosLoss = new nn.CosineEmbeddingLoss({ margin: 0.2 });
    expectClose(cosLoss.forward(t(co.args[0]), t(co.args[1]), t(co.args[2])), nums(co.out.data), { rtol: 1e-5, label: 'CosineEmbeddingLoss' });
    // Labels as a plain array give the same loss.
    expectClose(cosLoss.forward(t(co.args[0]), t(co.args[1]), nums(co.args[2].data)), nums(co.out.data), { rtol: 1e-5, label: 'labels as number[]' });
    const ce = cases['ce_w_ls0.15_mean'];
    const ceLoss = new nn.CrossEntropyLoss({ weight: t(ce.tensorOpts.weight), labelSmoothing: 0.15 });
    expectClose(ceLoss.forward(t(ce.args[0]), t(ce.args[1])), nums(ce.out.data), { rtol: 1e-5, label: 'CrossEntropyLoss weight' });
    expect(Object.keys(ceLoss.stateDict())).toEqual(['weight']);
    const bl = cases['bcel_w_pw_mean'];
    const blLoss = new nn.BCEWithLogitsLoss({ weight: t(bl.tensorOpts.weight), posWeight: t(bl.tensorOpts.posWeight) });
    expectClose(blLoss.forward(t(bl.args[0]), t(bl.args[1])), nums(bl.out.data), { rtol: 1e-5, label: 'BCEWithLogitsLoss weight' });
    // BCEWithLogitsLoss(weight=w, pos_weight=pw).state_dict().keys()
    expect(Object.keys(blLoss.stateDict())).toEqual(['weight', 'pos_weight']);
  });

  test("CrossEntropy's weighted mean divides by the targets' weights, not the row count", () => {
    // Weight 2 on every class: the weighted mean equals the plain mean; 'sum' doubles.
    const x = tensor([[1, 2, 0.5], [0, -1, 3]]);
    const plain = F.crossEntropy(x, [0, 2]).item();
    expect(F.crossEntropy(x, [0, 2], { weight: tensor([2, 2, 2]) }).item()).toBeCloseTo(plain, 6);
    expect(F.crossEntropy(x, [0, 2], { weight: tensor([2, 2, 2]), reduction: 'sum' }).item()).toBeCloseTo(4 * plain, 5);
    // A zero weight on the only target class: 0 / 0, NaN as PyTorch's.
    expect(F.crossEntropy(x, [0, 0], { weight: tensor([0, 1, 1]) }).item()).toBeNaN();
  });

  test('weights are constants: read at forward time, no gradient', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const x = tensor([[0.2, 0.5, 0.9]], { requiresGrad: true });
    const loss = F.binaryCrossEntropy(x, tensor([[0, 1, 1]]), { weight: w });
    w.data.fill(100); // changing the weight after forward does not change the backward
    loss.backward();
    expect(w.grad).toBeNull();
    // d/dx = w (x - y) / (x (1 - x)) / n
    expectClose(x.grad!, [(1 * 0.2) / (0.2 * 0.8) / 3, (2 * -0.5) / 0.25 / 3, (3 * -0.1) / (0.9 * 0.1) / 3], { rtol: 1e-5 });
  });
});

describe('finite-difference gradient checks', () => {
  const r = (shape: number[], scale = 1.5, phase = 1) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => Math.sin(i * 2.3 + phase) * scale), { shape, requiresGrad: true });
  };
  const probs = (shape: number[], phase: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => 0.5 + 0.4 * Math.sin(i * 1.9 + phase)), { shape, requiresGrad: true });
  };
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    test(`binaryCrossEntropy, reduction ${reduction}, with and without weight`, () => {
      gradCheck((x, y) => F.binaryCrossEntropy(x, y, { reduction }), [probs([3, 4], 1), probs([3, 4], 2)], { eps: 1e-3, label: `bce ${reduction}` });
      const weight = tensor([[0.5], [2], [1]]);
      gradCheck((x, y) => F.binaryCrossEntropy(x, y, { reduction, weight }), [probs([3, 4], 1), probs([3, 4], 2)], { eps: 1e-3, label: `bce w ${reduction}` });
    });
    test(`huberLoss and smoothL1Loss, reduction ${reduction}`, () => {
      // |x - y| stays away from delta and beta (the kinks) at these points.
      gradCheck((x, y) => F.huberLoss(x, y, { reduction, delta: 0.8 }), [r([3, 4], 2), r([3, 4], 0.3, 4)], { eps: 1e-3, label: `huber ${reduction}` });
      gradCheck((x, y) => F.smoothL1Loss(x, y, { reduction, beta: 0.7 }), [r([3, 4], 2), r([3, 4], 0.3, 4)], { eps: 1e-3, label: `smoothl1 ${reduction}` });
    });
    test(`cosineEmbeddingLoss, reduction ${reduction}, margins 0 and 0.3`, () => {
      const y = tensor([1, -1, -1, 1, -1]);
      for (const margin of [0, -0.3, 0.3]) {
        gradCheck((a, b) => F.cosineEmbeddingLoss(a, b, y, { reduction, margin }), [r([5, 3]), r([5, 3], 1, 2)], { eps: 1e-3, label: `cos ${reduction} m${margin}` });
      }
    });
  }
  for (const reduction of ['mean', 'batchmean', 'sum', 'none'] as const) {
    test(`klDiv, reduction ${reduction}, probabilities and log-probabilities as target`, () => {
      gradCheck((x, y) => F.klDiv(x, y, { reduction }), [r([3, 4], 1), probs([3, 4], 2)], { eps: 1e-3, label: `kl ${reduction}` });
      gradCheck((x, y) => F.klDiv(x, y, { reduction, logTarget: true }), [r([3, 4], 1), r([3, 4], 1, 3)], { eps: 1e-3, label: `kl log ${reduction}` });
    });
  }
  test('class-weighted crossEntropy with label smoothing, (N, C) and (N, C, d)', () => {
    const weight = tensor([0.3, 2, 1, 0.7]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradCheck((x) => F.crossEntropy(x, [1, 0, 3, 2, 3], { reduction, weight, labelSmoothing: 0.2 }), [r([5, 4])], { label: `ce w ${reduction}` });
    }
    gradCheck((x) => F.crossEntropy(x, tensor([[0, 3], [2, 1]]), { weight, labelSmoothing: 0.1 }), [r([2, 4, 2])], { label: 'ce w spatial' });
  });
  test('binaryCrossEntropyWithLogits with weight and posWeight', () => {
    const y = tensor(Array.from({ length: 12 }, (_, i) => (i % 5) / 4), { shape: [3, 4], requiresGrad: true });
    const pw = tensor([0.5, 1, 2, 3], { requiresGrad: true });
    const weight = tensor([[2], [0.5], [1]]);
    gradCheck((x, yy, p) => F.binaryCrossEntropyWithLogits(x, yy, { posWeight: p, weight, reduction: 'none' }), [r([3, 4], 3), y, pw], { label: 'bcel w' });
  });
});

describe('edge values', () => {
  test('BCE at 0 and 1 is clamped at 100 and stays finite', () => {
    const x = tensor([0, 1, 0, 1], { requiresGrad: true });
    const loss = F.binaryCrossEntropy(x, tensor([0, 1, 1, 0]), { reduction: 'none' });
    expectClose(loss, [0, 0, 100, 100], { atol: 0, rtol: 0 });
    // PyTorch's backward: (x - y) / max(x (1 - x), 1e-12), huge but finite.
    loss.sum().backward();
    expectClose(x.grad!, [0, 0, -1e12, 1e12], { rtol: 1e-6 });
  });
  test('Huber at |d| = delta joins both pieces: 0.5 delta^2, slope delta', () => {
    const x = tensor([2, -2], { requiresGrad: true });
    const loss = F.huberLoss(x, tensor([0, 0]), { delta: 2, reduction: 'sum' });
    expect(loss.item()).toBe(4);
    loss.backward();
    expect(Array.from(x.grad!.data)).toEqual([2, -2]);
  });
  test('KLDiv: zero targets add nothing, however small the input', () => {
    expect(F.klDiv(tensor([-1e30, -3]), tensor([0, 0]), { reduction: 'sum' }).item()).toBe(0);
  });
  test('cosine of identical vectors is 1: loss 0 for y = 1, 1 - margin for y = -1', () => {
    const a = tensor([[1, 2, 3], [1, 2, 3]]);
    const loss = F.cosineEmbeddingLoss(a, a, [1, -1], { margin: 0.25, reduction: 'none' });
    expectClose(loss, [0, 0.75], { atol: 1e-6 });
  });
});

describe('bad input', () => {
  const x = tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]);
  test('BCE input and target outside [0, 1] (PyTorch: "all elements of input should be between 0 and 1")', () => {
    expectError(() => F.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([0, 1])), 'RangeError', /binaryCrossEntropy: expected probabilities in \[0, 1\] for input\[1\], got 1.5/);
    expectError(() => F.binaryCrossEntropy(tensor([0.5, NaN]), tensor([0, 1])), 'RangeError', /for input\[1\], got NaN/);
    expectError(() => F.binaryCrossEntropy(tensor([0.5, 0.5]), tensor([-0.2, 1])), 'RangeError', /expected probabilities in \[0, 1\] for target\[0\], got -0.2/);
    expectError(() => new nn.BCELoss().forward(tensor([-1]), tensor([0])), 'RangeError', /BCELoss.forward: expected probabilities in \[0, 1\] for input\[0\], got -1/);
  });
  test('a shape mismatch names both shapes', () => {
    expectError(() => F.binaryCrossEntropy(x, tensor([0, 1, 0])), 'RangeError', /binaryCrossEntropy: expected the input's shape \[2, 3\] for target, got \[3\]/);
    expectError(() => F.huberLoss(x, tensor([[1, 2]])), 'RangeError', /huberLoss: expected the input's shape \[2, 3\] for target, got \[1, 2\]/);
    expectError(() => new nn.SmoothL1Loss().forward(x, tensor([1])), 'RangeError', /SmoothL1Loss.forward: expected the input's shape \[2, 3\] for target, got \[1\]/);
    expectError(() => new nn.KLDivLoss().forward(x, x.reshape([3, 2])), 'RangeError', /KLDivLoss.forward: expected the input's shape \[2, 3\] for target, got \[3, 2\]/);
    expectError(() => F.cosineEmbeddingLoss(x, tensor([[1, 2]]), [1, 1]), 'RangeError', /expected input1's shape \[2, 3\] for input2, got \[1, 2\]/);
    expectError(() => F.cosineEmbeddingLoss(tensor([[[1]]]), tensor([[[1]]]), [1]), 'RangeError', /expected shape \(N, D\) or \(D\) for input1, got \[1, 1, 1\]/);
    expectError(() => F.cosineEmbeddingLoss(x, x, tensor([1])), 'RangeError', /expected shape \[2\] \(one label per row of the inputs\) for target, got \[1\]/);
    expectError(() => F.cosineEmbeddingLoss(x, x, [1, 1, 1]), 'RangeError', /expected 2 labels \(one per row of the inputs\) for target, got 3/);
    expectError(() => F.cosineEmbeddingLoss(tensor([1, 2]), tensor([1, 2]), [1]), 'TypeError', /a label of 1 or -1 \(a Tensor of shape \[\]\) for target/);
  });
  test('weights of the wrong shape or type', () => {
    expectError(() => F.binaryCrossEntropy(x, x, { weight: tensor([1, 2]) }), 'RangeError', /expected a shape that broadcasts to the input's shape \[2, 3\] for weight, got \[2\]/);
    expectError(() => F.binaryCrossEntropyWithLogits(x, x, { weight: tensor([[[1, 2, 3]]]) }), 'RangeError', /broadcasts to the input's shape \[2, 3\] for weight, got \[1, 1, 3\]/);
    expectError(() => F.crossEntropy(x, [0, 1], { weight: tensor([1, 2]) }), 'RangeError', /crossEntropy: expected shape \[3\] \(one per class\) for weight, got \[2\]/);
    expectError(() => new nn.CrossEntropyLoss({ weight: [1, 2, 3] as never }), 'TypeError', /CrossEntropyLoss: expected a Tensor for weight/);
    expectError(() => new nn.BCELoss({ weight: 2 as never }), 'TypeError', /BCELoss: expected a Tensor for weight, got 2/);
  });
  test('a bad reduction lists the valid ones; KLDiv also takes batchmean', () => {
    expectError(() => F.huberLoss(x, x, { reduction: 'batchmean' as never }), 'RangeError', /huberLoss: expected 'mean', 'sum' or 'none' for reduction, got 'batchmean'/);
    expectError(() => new nn.BCELoss({ reduction: 'avg' as never }), 'RangeError', /BCELoss: expected 'mean', 'sum' or 'none' for reduction, got 'avg'/);
    expectError(() => F.klDiv(x, x, { reduction: 'avg' as never }), 'RangeError', /klDiv: expected 'mean', 'batchmean', 'sum' or 'none' for reduction, got 'avg'/);
    expectError(() => new nn.KLDivLoss({ reduction: 1 as never }), 'TypeError', /KLDivLoss: expected .* for reduction, got 1/);
    expectError(() => new nn.CosineEmbeddingLoss({ reduction: 'Mean' as never }), 'RangeError', /got 'Mean'/);
  });
  test('bad delta, beta, margin and logTarget (PyTorch: "huber_loss does not support non-positive values for delta")', () => {
    expectError(() => F.huberLoss(x, x, { delta: 0 }), 'RangeError', /huberLoss: expected a positive number for delta, got 0/);
    expectError(() => new nn.HuberLoss({ delta: -1 }), 'RangeError', /HuberLoss: expected a positive number for delta, got -1/);
    expectError(() => new nn.HuberLoss({ delta: NaN }), 'RangeError', /expected a finite number for delta, got NaN/);
    expectError(() => F.smoothL1Loss(x, x, { beta: -0.5 }), 'RangeError', /smoothL1Loss: expected a non-negative number for beta, got -0.5/);
    expectError(() => new nn.SmoothL1Loss({ beta: '1' as never }), 'TypeError', /SmoothL1Loss: expected a number for beta, got '1'/);
    expectError(() => new nn.CosineEmbeddingLoss({ margin: Infinity }), 'RangeError', /expected a finite number for margin, got Infinity/);
    expectError(() => F.klDiv(x, x, { logTarget: 1 as never }), 'TypeError', /klDiv: expected a boolean for logTarget, got 1/);
  });
  test('cosine labels other than 1 and -1 (0/1 labels would silently cost nothing in PyTorch)', () => {
    expectError(() => F.cosineEmbeddingLoss(x, x, [1, 0]), 'RangeError', /cosineEmbeddingLoss: expected a label of 1 or -1 for target\[1\], got 0/);
    expectError(() => new nn.CosineEmbeddingLoss().forward(x, x, tensor([1, 0.5])), 'RangeError', /CosineEmbeddingLoss.forward: .*target\[1\], got 0.5/);
    expectError(() => F.cosineEmbeddingLoss(x, x, [1, 'a'] as never), 'TypeError', /expected a label \(a number\) for target\[1\], got 'a'/);
    expectError(() => F.cosineEmbeddingLoss(x, x, 'ab' as never), 'TypeError', /for target, got 'ab'/);
  });
  test('unknown option names are TypeErrors naming them', () => {
    expectError(() => F.binaryCrossEntropy(x, x, { wieght: x } as never), 'TypeError', /binaryCrossEntropy: expected an option among weight, reduction for option name, got 'wieght'/);
    expectError(() => new nn.HuberLoss({ beta: 1 } as never), 'TypeError', /HuberLoss: .*got 'beta'/);
    expectError(() => new nn.KLDivLoss({ log_target: true } as never), 'TypeError', /got 'log_target'/);
    expectError(() => F.cosineEmbeddingLoss(x, x, [1, 1], { reduce: 'sum' } as never), 'TypeError', /got 'reduce'/);
  });
});
