// Loss functions: cross-entropy on the native fused kernel (native/kernels/crossentropy.h),
// and the elementwise MSE, L1 and BCE-with-logits losses, each one fused op with its own
// backward (one pass over the data each way, no intermediate tensors).
import { Tensor, fromOp, checkTensor } from '../../tensor';
import { broadcastShapes, formatShape, sameShape } from '../../shape';
import { indexMap } from '../../ops/binary';
import { native } from '../../native';
import { checkChoice, checkInRange, checkOptions, rangeError, typeError } from '../../errors';
import { expectArity } from '../../options';

/** How a loss reduces its per-element values: PyTorch's `reduction` argument. */
export type Reduction = 'mean' | 'sum' | 'none';
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Class indices: a Tensor of integers, an Int32Array or an array of numbers. */
export type Targets = Tensor | Int32Array | readonly number[];

function checkReduction(where: string, v: unknown): Reduction {
  return checkChoice(where, 'reduction', v ?? 'mean', REDUCTIONS);
}

/** Sums per-row values in float64 and applies the reduction; returns [data, shape]. */
function reduceLosses(losses: Float32Array, shape: number[], reduction: Reduction): [Float32Array, number[]] {
  if (reduction === 'none') return [losses, shape];
  let s = 0;
  for (let i = 0; i < losses.length; i++) s += losses[i];
  // A mean over zero elements is NaN, as PyTorch's.
  return [new Float32Array([reduction === 'sum' ? s : s / losses.length]), []];
}

/** Reads targets into an Int32Array of `count` class indices in [0, C), naming any bad one. */
function classIndices(where: string, target: unknown, rowShape: number[], count: number, C: number): Int32Array {
  let values: ArrayLike<number>;
  if (target instanceof Tensor) {
    if (!sameShape(target.shape, rowShape)) {
      throw new RangeError(`${where}: expected target of shape ${formatShape(rowShape)} for input of shape [${rowShape[0]}, ${C}${rowShape.slice(1).map((s) => `, ${s}`).join('')}], got ${formatShape(target.shape)}`);
    }
    values = target.data;
  } else if (target instanceof Int32Array || Array.isArray(target)) {
    if (target.length !== count) {
      throw new RangeError(`${where}: expected ${count} class indices for target (one per row of input), got ${target.length}`);
    }
    values = target as ArrayLike<number>;
  } else {
    throw typeError(where, 'class indices (a Tensor, an Int32Array or an array of numbers)', 'target', target);
  }
  if (values instanceof Int32Array) {
    for (let i = 0; i < count; i++) {
      if (values[i] < 0 || values[i] >= C) throw rangeError(where, `a class index in [0, ${C})`, `target[${i}]`, values[i]);
    }
    // A copy: the backward pass must see the targets of the forward pass.
    return values.slice();
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw typeError(where, 'a class index (a number)', `target[${i}]`, v);
    if (!Number.isInteger(v)) throw rangeError(where, 'an integer class index', `target[${i}]`, v);
    if (v < 0 || v >= C) throw rangeError(where, `a class index in [0, ${C})`, `target[${i}]`, v);
    out[i] = v;
  }
  return out;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** [0] mixes the one-hot target with the uniform distribution (Szegedy et al. 2016): eps in [0, 1]. */
  labelSmoothing?: number;
  /** ['mean'] 'mean' averages over the rows, 'sum' adds them, 'none' returns one loss per row. */
  reduction?: Reduction;
}

/**
 * Cross-entropy between logits and class indices: a fused, numerically stable log-softmax +
 * negative log-likelihood (one native pass forward, one backward), as
 * torch.nn.functional.cross_entropy. With label smoothing eps (Szegedy et al. 2016):
 * loss = (1 - eps) * (-log p_target) + eps * mean_c(-log p_c).
 * @param input (N, C) logits, or (N, C, d1, ...) with one class dimension second
 * @param target (N) or (N, d1, ...) class indices in [0, C): a Tensor of integers, an Int32Array or a number[]
 * @param opts `{ labelSmoothing = 0, reduction = 'mean' }`: 'mean' averages over all N*d1*... rows, 'sum' adds them, 'none' returns shape (N, d1, ...)
 * @throws TypeError for a non-Tensor input, targets of another type or a surplus argument (PyTorch's positional options go in opts); RangeError for an input with fewer than 2 dimensions, a target of the wrong shape, a target that is not an integer in [0, C), labelSmoothing outside [0, 1], or an unknown reduction.
 * @example const loss = F.crossEntropy(logits, [3, 0, 1], { labelSmoothing: 0.1 });
 */
export function crossEntropy(input: Tensor, target: Targets, opts?: CrossEntropyOptions): Tensor {
  if (arguments.length > 2) expectArity('crossEntropy', arguments, 2, true);
  return crossEntropyAt('crossEntropy', input, target, opts);
}

/** F.crossEntropy naming `where` in its errors: CrossEntropyLoss's forward calls it. @internal */
export function crossEntropyAt(where: string, input: Tensor, target: Targets, opts?: CrossEntropyOptions): Tensor {
  checkTensor(where, 'input', input);
  const o = checkOptions(where, opts, ['labelSmoothing', 'reduction']);
  const eps = checkInRange(where, 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
  const reduction = checkReduction(where, o.reduction);
  if (input.ndim < 2) {
    throw new RangeError(`${where}: expected input of shape (N, C) or (N, C, d1, ...), got ${formatShape(input.shape)}`);
  }
  const N = input.shape[0];
  const C = input.shape[1];
  if (C < 1) throw new RangeError(`${where}: expected at least one class in input, got ${formatShape(input.shape)}`);
  const rowShape = [N, ...input.shape.slice(2)];
  const D = input.shape.slice(2).reduce((a, b) => a * b, 1);
  const R = N * D;
  const targets = classIndices(where, target, rowShape, R, C);
  const losses = new Float32Array(R);
  const lse = new Float32Array(R);
  const x = input.data;
  native.crossentropyForward(losses, lse, x, targets, N, C, D, eps);
  const [out, shape] = reduceLosses(losses, rowShape, reduction);
  return fromOp(out, shape, [input], 'crossEntropy', (g) => {
    const dx = new Float32Array(x.length);
    const dloss = reduction === 'mean' ? new Float32Array([g[0] / R]) : g;
    native.crossentropyBackward(dx, dloss, x, lse, targets, N, C, D, eps);
    return [dx];
  });
}

function checkPair(where: string, input: Tensor, target: Tensor): void {
  checkTensor(where, 'input', input);
  checkTensor(where, 'target', target);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(`${where}: expected target of the input's shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`);
  }
}

/**
 * An elementwise loss as one op: `f(i)` gives element i's loss, `grads(i, g)` writes its
 * gradients into dx[i] and dy[i] given g, the gradient reaching element i.
 */
function elementwiseLoss(
  name: string,
  inputs: Tensor[],
  n: number,
  shape: number[],
  reduction: Reduction,
  f: (i: number) => number,
  grads: (i: number, g: number, dx: Float32Array | null, dy: Float32Array | null) => void,
  extraGrad?: (g: (i: number) => number) => Float32Array | null,
): Tensor {
  const losses = new Float32Array(n);
  for (let i = 0; i < n; i++) losses[i] = f(i);
  const [out, outShape] = reduceLosses(losses, shape, reduction);
  return fromOp(out, outShape, inputs, name, (g) => {
    const dx = inputs[0].requiresGrad ? new Float32Array(n) : null;
    const dy = inputs[1].requiresGrad ? new Float32Array(n) : null;
    // 'mean' spreads the gradient over the n elements, as PyTorch's backward does.
    const scale = reduction === 'mean' ? g[0] / n : g[0];
    const at = reduction === 'none' ? (i: number) => g[i] : () => scale;
    for (let i = 0; i < n; i++) grads(i, at(i), dx, dy);
    const extra = extraGrad && inputs.length > 2 && inputs[2].requiresGrad ? extraGrad(at) : null;
    return [dx, dy, extra];
  });
}

/**
 * Mean squared error (x - y)^2, as torch.nn.functional.mse_loss.
 * @param input any shape
 * @param target the input's shape
 * @param opts `{ reduction = 'mean' }`: 'mean', 'sum' or 'none'
 * @throws TypeError for a non-Tensor or a surplus argument (PyTorch's positional options go in opts); RangeError for a shape mismatch or an unknown reduction.
 * @example const loss = F.mseLoss(pred, y);
 */
export function mseLoss(input: Tensor, target: Tensor, opts?: { reduction?: Reduction }): Tensor {
  if (arguments.length > 2) expectArity('mseLoss', arguments, 2, true);
  return mseLossAt('mseLoss', input, target, opts);
}

/** F.mseLoss naming `where` in its errors: MSELoss's forward calls it. @internal */
export function mseLossAt(where: string, input: Tensor, target: Tensor, opts?: { reduction?: Reduction }): Tensor {
  checkPair(where, input, target);
  const reduction = checkReduction(where, checkOptions(where, opts, ['reduction']).reduction);
  const x = input.data;
  const y = target.data;
  return elementwiseLoss('mseLoss', [input, target], x.length, input.shape.slice(), reduction, (i) => (x[i] - y[i]) * (x[i] - y[i]), (i, g, dx, dy) => {
    const d = 2 * (x[i] - y[i]) * g;
    if (dx) dx[i] = d;
    if (dy) dy[i] = -d;
  });
}

/**
 * Mean absolute error |x - y|, as torch.nn.functional.l1_loss (gradient sign(x - y), 0 at x = y).
 * @param input any shape
 * @param target the input's shape
 * @param opts `{ reduction = 'mean' }`: 'mean', 'sum' or 'none'
 * @throws TypeError for a non-Tensor or a surplus argument (PyTorch's positional options go in opts); RangeError for a shape mismatch or an unknown reduction.
 * @example const loss = F.l1Loss(pred, y, { reduction: 'sum' });
 */
export function l1Loss(input: Tensor, target: Tensor, opts?: { reduction?: Reduction }): Tensor {
  if (arguments.length > 2) expectArity('l1Loss', arguments, 2, true);
  return l1LossAt('l1Loss', input, target, opts);
}

/** F.l1Loss naming `where` in its errors: L1Loss's forward calls it. @internal */
export function l1LossAt(where: string, input: Tensor, target: Tensor, opts?: { reduction?: Reduction }): Tensor {
  checkPair(where, input, target);
  const reduction = checkReduction(where, checkOptions(where, opts, ['reduction']).reduction);
  const x = input.data;
  const y = target.data;
  return elementwiseLoss('l1Loss', [input, target], x.length, input.shape.slice(), reduction, (i) => Math.abs(x[i] - y[i]), (i, g, dx, dy) => {
    const d = Math.sign(x[i] - y[i]) * g;
    if (dx) dx[i] = d;
    if (dy) dy[i] = -d;
  });
}

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BCEWithLogitsOptions {
  /** ['mean'] 'mean' averages over the elements, 'sum' adds them, 'none' returns them unreduced. */
  reduction?: Reduction;
  /** [none] the weight of the positive examples, broadcast against the input (usually one per class). */
  posWeight?: Tensor | null;
}

/** log(1 + exp(-x)) without overflow or cancellation. */
function softplusNeg(x: number): number {
  return Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Binary cross-entropy on logits, as torch.nn.functional.binary_cross_entropy_with_logits,
 * in the stable form max(x, 0) - x*y + log(1 + exp(-|x|)); with posWeight p:
 * (1 - y) * x + (1 + (p - 1) * y) * log(1 + exp(-x)). Exact for logits of any magnitude.
 * @param input logits, any shape
 * @param target probabilities in [0, 1], the input's shape
 * @param opts `{ reduction = 'mean', posWeight? }`: posWeight broadcasts against the input
 * @throws TypeError for a non-Tensor or a surplus argument (PyTorch's positional options go in opts); RangeError for a shape mismatch, a posWeight that does not broadcast to the input, or an unknown reduction.
 * @example const loss = F.binaryCrossEntropyWithLogits(logits, y, { posWeight: tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts?: BCEWithLogitsOptions): Tensor {
  if (arguments.length > 2) expectArity('binaryCrossEntropyWithLogits', arguments, 2, true);
  return binaryCrossEntropyWithLogitsAt('binaryCrossEntropyWithLogits', input, target, opts);
}

/** F.binaryCrossEntropyWithLogits naming `where` in its errors: BCEWithLogitsLoss's forward calls it. @internal */
export function binaryCrossEntropyWithLogitsAt(where: string, input: Tensor, target: Tensor, opts?: BCEWithLogitsOptions): Tensor {
  checkPair(where, input, target);
  const o = checkOptions(where, opts, ['reduction', 'posWeight']);
  const reduction = checkReduction(where, o.reduction);
  const pw = o.posWeight ?? null;
  if (pw !== null) {
    checkTensor(where, 'posWeight', pw);
    let fits = true;
    try {
      fits = sameShape(broadcastShapes(where, pw.shape, input.shape), input.shape);
    } catch {
      fits = false;
    }
    if (!fits) {
      throw new RangeError(`${where}: expected posWeight that broadcasts to the input's shape ${formatShape(input.shape)}, got ${formatShape(pw.shape)}`);
    }
  }
  const x = input.data;
  const y = target.data;
  const n = x.length;
  const shape = input.shape.slice();
  if (pw === null) {
    return elementwiseLoss('binaryCrossEntropyWithLogits', [input, target], n, shape, reduction, (i) => (1 - y[i]) * x[i] + softplusNeg(x[i]), (i, g, dx, dy) => {
      if (dx) dx[i] = (sigmoidOf(x[i]) - y[i]) * g;
      if (dy) dy[i] = -x[i] * g;
    });
  }
  const map = indexMap(pw.shape, shape, n);
  const p = pw.data;
  return elementwiseLoss(
    'binaryCrossEntropyWithLogits',
    [input, target, pw],
    n,
    shape,
    reduction,
    (i) => (1 - y[i]) * x[i] + (1 + (p[map[i]] - 1) * y[i]) * softplusNeg(x[i]),
    (i, g, dx, dy) => {
      const w = p[map[i]];
      if (dx) dx[i] = ((1 + (w - 1) * y[i]) * sigmoidOf(x[i]) - w * y[i]) * g;
      if (dy) dy[i] = (-x[i] + (w - 1) * softplusNeg(x[i])) * g;
    },
    (at) => {
      // d/dp = y * log(1 + exp(-x)), summed over the elements each weight was broadcast to.
      const dp = new Float32Array(p.length);
      for (let i = 0; i < n; i++) dp[map[i]] += y[i] * softplusNeg(x[i]) * at(i);
      return dp;
    },
  );
}

