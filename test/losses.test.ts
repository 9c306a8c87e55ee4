// Losses against PyTorch (test/fixtures/gen_train.py), finite differences, and bad input.
import { Tensor, tensor, nn } from '../lib';
import { expectClose, expectError, gradCheck, loadFixture } from './helpers';

const F = nn.functional;

interface T {
  shape: number[];
  data: number[];
}
interface LossCase {
  kind: 'crossEntropy' | 'mseLoss' | 'l1Loss' | 'binaryCrossEntropyWithLogits';
  opts: Record<string, unknown>;
  input: T;
  target: T;
  out: T;
  w: T;
  grad_input: number[];
  grad_target?: number[];
  posWeight?: T;
}
const cases = loadFixture<{ losses: Record<string, LossCase> }>('train').losses;
const t = (x: T, requiresGrad = false) => tensor(new Float32Array(x.data), { shape: x.shape, requiresGrad });

function run(c: LossCase, input: Tensor, target: Tensor): Tensor {
  switch (c.kind) {
    case 'crossEntropy':
      return F.crossEntropy(input, target, c.opts); // F.cross_entropy(x, t, label_smoothing=..., reduction=...)
    case 'mseLoss':
      return F.mseLoss(input, target, c.opts); // F.mse_loss(x, y, reduction=red)
    case 'l1Loss':
      return F.l1Loss(input, target, c.opts); // F.l1_loss(x, y, reduction=red)
    case 'binaryCrossEntropyWithLogits':
      // F.binary_cross_entropy_with_logits(x, y, reduction=red, pos_weight=pw)
      return F.binaryCrossEntropyWithLogits(input, target, { ...c.opts, posWeight: c.posWeight ? t(c.posWeight) : undefined });
  }
}

describe('losses match PyTorch (forward and backward)', () => {
  for (const [name, c] of Object.entries(cases)) {
    test(name, () => {
      const x = t(c.input, true);
      const y = t(c.target, c.grad_target !== undefined);
      const loss = run(c, x, y);
      expect(loss.shape).toEqual(c.out.shape);
      // Large-magnitude cases carry float32 rounding of values in the hundreds.
      expectClose(loss, c.out.data, { rtol: 1e-5, atol: 1e-5, label: `${name} forward` });
      // (loss * w).sum().backward(), or loss.backward() for a scalar
      if (loss.ndim === 0) loss.backward();
      else loss.mul(t(c.w)).sum().backward();
      expectClose(x.grad!, c.grad_input, { rtol: 1e-4, atol: 1e-6, label: `${name} grad input` });
      if (c.grad_target) expectClose(y.grad!, c.grad_target, { rtol: 1e-4, atol: 1e-6, label: `${name} grad target` });
    });
  }

  test('the modules compute what the functions do', () => {
    const c = cases['ce_ls_sum'];
    const viaModule = new nn.CrossEntropyLoss({ labelSmoothing: 0.1, reduction: 'sum' }).forward(t(c.input), t(c.target));
    expectClose(viaModule, c.out.data, { rtol: 1e-5, label: 'CrossEntropyLoss' });
    const m = cases['mse_none'];
    expectClose(new nn.MSELoss({ reduction: 'none' }).forward(t(m.input), t(m.target)), m.out.data, { label: 'MSELoss' });
    const l = cases['l1_mean'];
    expectClose(new nn.L1Loss().forward(t(l.input), t(l.target)), l.out.data, { label: 'L1Loss' });
    const b = cases['bce_pw_mean'];
    const bce = new nn.BCEWithLogitsLoss({ posWeight: t(b.posWeight!) });
    expectClose(bce.forward(t(b.input), t(b.target)), b.out.data, { rtol: 1e-5, label: 'BCEWithLogitsLoss' });
    // pos_weight is a buffer, as torch registers it.
    expect(Object.keys(bce.stateDict())).toEqual(['pos_weight']);
  });

  test('targets as Int32Array, number[] and Tensor give the same loss', () => {
    const c = cases['ce_mean'];
    const idx = c.target.data;
    const a = F.crossEntropy(t(c.input), idx).item();
    const b = F.crossEntropy(t(c.input), Int32Array.from(idx)).item();
    const d = F.crossEntropy(t(c.input), t(c.target)).item();
    expect(a).toBe(b);
    expect(a).toBe(d);
    expectClose([a], c.out.data, { rtol: 1e-6 });
  });

  test('cross-entropy stays finite for logits of 1e4', () => {
    const x = tensor([[1e4, -1e4, 0], [-1e4, 1e4, 5e3]], { requiresGrad: true });
    const loss = F.crossEntropy(x, [0, 2]);
    // Row 0 is certain and right (loss 0); row 1 puts 5e3 below the max (loss 5e3).
    expectClose(loss, [2500], { rtol: 1e-6 });
    loss.backward();
    expectClose(x.grad!, [0, 0, 0, 0, 0.5, -0.5], { atol: 1e-6 });
  });
});

describe('finite-difference gradient checks', () => {
  const r = (shape: number[], scale = 1.5) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, (_, i) => Math.sin(i * 2.3 + 1) * scale), { shape, requiresGrad: true });
  };
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    test(`crossEntropy kernel, reduction ${reduction}, label smoothing 0 and 0.1`, () => {
      const target = [1, 0, 3, 2, 3];
      gradCheck((x) => F.crossEntropy(x, target, { reduction }), [r([5, 4])], { label: `ce ${reduction}` });
      gradCheck((x) => F.crossEntropy(x, target, { reduction, labelSmoothing: 0.1 }), [r([5, 4])], { label: `ce ls ${reduction}` });
    });
  }
  test('crossEntropy kernel on (N, C, d1, d2) input', () => {
    const target = tensor([[[0, 2], [1, 1]], [[2, 0], [0, 1]]]);
    gradCheck((x) => F.crossEntropy(x, target, { labelSmoothing: 0.2, reduction: 'none' }), [r([2, 3, 2, 2])], { label: 'ce spatial' });
  });
  test('mseLoss and l1Loss, both inputs', () => {
    gradCheck((x, y) => F.mseLoss(x, y, { reduction: 'none' }), [r([3, 4]), r([3, 4], 0.7)], { label: 'mse' });
    // sin(i*2.3+1)*1.5 and *0.7 never coincide, so |x - y| has no kink near these points.
    gradCheck((x, y) => F.l1Loss(x, y, { reduction: 'sum' }), [r([3, 4]), r([3, 4], 0.7)], { label: 'l1' });
  });
  test('binaryCrossEntropyWithLogits, input, target and posWeight', () => {
    const y = tensor(Array.from({ length: 12 }, (_, i) => (i % 5) / 4), { shape: [3, 4], requiresGrad: true });
    const pw = tensor([0.5, 1, 2, 3], { requiresGrad: true });
    gradCheck((x, yy, p) => F.binaryCrossEntropyWithLogits(x, yy, { posWeight: p, reduction: 'none' }), [r([3, 4], 3), y, pw], { label: 'bce' });
    gradCheck((x, yy) => F.binaryCrossEntropyWithLogits(x, yy), [r([3, 4], 3), y], { label: 'bce mean' });
  });
});

describe('bad input', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  test('a target index out of range or not an integer is a RangeError naming it', () => {
    expectError(() => F.crossEntropy(x, [0, 3]), 'RangeError', /crossEntropy: expected a class index in \[0, 3\) for target\[1\], got 3/);
    expectError(() => F.crossEntropy(x, [-1, 0]), 'RangeError', /for target\[0\], got -1/);
    expectError(() => F.crossEntropy(x, Int32Array.from([0, 7])), 'RangeError', /for target\[1\], got 7/);
    expectError(() => F.crossEntropy(x, tensor([0, 1.5])), 'RangeError', /expected an integer class index for target\[1\], got 1.5/);
    expectError(() => F.crossEntropy(x, [0, NaN]), 'RangeError', /for target\[1\], got NaN/);
    expectError(() => new nn.CrossEntropyLoss().forward(x, [0, 5]), 'RangeError', /CrossEntropyLoss.forward: .*target\[1\], got 5/);
  });
  test('targets of the wrong type or count', () => {
    expectError(() => F.crossEntropy(x, 'a' as never), 'TypeError', /crossEntropy: expected class indices .* for target, got 'a'/);
    expectError(() => F.crossEntropy(x, [0, 'b'] as never), 'TypeError', /for target\[1\], got 'b'/);
    expectError(() => F.crossEntropy(x, [0, 1, 2]), 'RangeError', /expected 2 class indices \(one per row of input\) for target, got 3/);
    expectError(() => F.crossEntropy(x, tensor([[0, 1]])), 'RangeError', /expected shape \[2\] \(the input's is \[2, 3\]\) for target, got \[1, 2\]/);
  });
  test('input that is not (N, C, ...)', () => {
    expectError(() => F.crossEntropy(tensor([1, 2, 3]), [0]), 'RangeError', /expected shape \(N, C\) or \(N, C, d1, \.\.\.\) for input, got \[3\]/);
    expectError(() => F.crossEntropy([[1, 2]] as never, [0]), 'TypeError', /crossEntropy: expected a Tensor for input/);
  });
  test('a bad reduction lists the valid ones', () => {
    expectError(() => F.mseLoss(x, x, { reduction: 'avg' as never }), 'RangeError', /mseLoss: expected 'mean', 'sum' or 'none' for reduction, got 'avg'/);
    expectError(() => new nn.CrossEntropyLoss({ reduction: 'batchmean' as never }), 'RangeError', /CrossEntropyLoss: expected 'mean', 'sum' or 'none' for reduction/);
    expectError(() => new nn.L1Loss({ reduction: 1 as never }), 'TypeError', /L1Loss: expected 'mean', 'sum' or 'none' for reduction, got 1/);
  });
  test('label smoothing outside [0, 1], NaN or negative', () => {
    expectError(() => F.crossEntropy(x, [0, 1], { labelSmoothing: 1.5 }), 'RangeError', /expected a number in \[0, 1\] for labelSmoothing, got 1.5/);
    expectError(() => new nn.CrossEntropyLoss({ labelSmoothing: -0.1 }), 'RangeError', /got -0.1/);
    expectError(() => new nn.CrossEntropyLoss({ labelSmoothing: NaN }), 'RangeError', /expected a finite number for labelSmoothing, got NaN/);
  });
  test('a shape mismatch names both shapes', () => {
    expectError(() => F.mseLoss(x, tensor([1, 2, 3])), 'RangeError', /mseLoss: expected the input's shape \[2, 3\] for target, got \[3\]/);
    expectError(() => new nn.L1Loss().forward(x, tensor([[1, 2]])), 'RangeError', /L1Loss.forward: expected the input's shape \[2, 3\] for target, got \[1, 2\]/);
    expectError(() => new nn.BCEWithLogitsLoss().forward(x, tensor([1])), 'RangeError', /BCEWithLogitsLoss.forward: expected the input's shape \[2, 3\] for target, got \[1\]/);
    expectError(() => F.binaryCrossEntropyWithLogits(x, x, { posWeight: tensor([1, 2]) }), 'RangeError', /expected a shape that broadcasts to the input's shape \[2, 3\] for posWeight, got \[2\]/);
    expectError(() => F.binaryCrossEntropyWithLogits(x, x, { posWeight: tensor([[[1, 2, 3]]]) }), 'RangeError', /broadcasts to the input's shape \[2, 3\] for posWeight, got \[1, 1, 3\]/);
  });
  test('the native kernel is a backstop for bad targets', () => {
    const k = (require('../lib/native') as { native: Record<string, (...a: unknown[]) => unknown> }).native;
    const f32 = (n: number) => new Float32Array(n);
    expectError(() => k.crossentropyForward(f32(2), f32(2), f32(6), Int32Array.from([0, 3]), 2, 3, 1, 0, -100), 'RangeError', /crossentropyForward: expected class indices in \[0, 3\) or ignoreIndex for targets, got 3 at index 1/);
    expectError(() => k.crossentropyForward(f32(2), f32(2), f32(5), Int32Array.from([0, 1]), 2, 3, 1, 0, -100), 'RangeError', /expected logits to hold 6 elements, got 5/);
    expectError(() => k.crossentropyBackward(f32(6), f32(3), f32(6), f32(2), Int32Array.from([0, 1]), 2, 3, 1, 0, -100), 'RangeError', /expected dloss to hold 1 or 2 elements, got 3/);
    expectError(() => k.crossentropyForward(f32(2), f32(2), f32(6), new Float32Array(2), 2, 3, 1, 0, -100), 'TypeError', /expected an Int32Array for targets, got Float32Array/);
    expectError(() => k.crossentropyForward(f32(2), f32(2), f32(6), Int32Array.from([0, 1]), 2, 3, 1, 0), 'TypeError', /crossentropyForward: expected 9 arguments, got 8/);
  });
});
