// Loss functions: cross-entropy on the native fused kernel (native/kernels/crossentropy.h),
// and the elementwise MSE, L1 and BCE-with-logits losses, each one fused op with its own
// backward (one pass over the data each way, no intermediate tensors).
import { Tensor, fromOp, checkTensor } from '../../tensor';
import { broadcastShapes, formatShape, sameShape } from '../../shape';
import { indexMap } from '../../ops/binary';
import { native } from '../../native';
import { checkBoolean, checkChoice, checkInRange, checkInt, checkNumber, checkOptions, rangeError, typeError } from '../../errors';
import { expectArity } from '../../options';
import { shapeError } from '../../errors';
import { readIndices } from './indices';

/** How a loss reduces its per-element values: PyTorch's `reduction` argument. */
export type Reduction = 'mean' | 'sum' | 'none';
export const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/** Class indices: a Tensor of integers, an Int32Array or an array of numbers (nested in the target's shape, or flat). */
export type Targets = Tensor | Int32Array | readonly number[] | readonly (readonly unknown[])[];

function checkReduction(where: string, v: unknown): Reduction {
  return checkChoice(where, 'reduction', v ?? 'mean', REDUCTIONS);
}

/** Sums per-row values in float64 and applies the reduction (a mean divides by `count`); returns [data, shape]. */
function reduceLosses(losses: Float32Array, shape: number[], reduction: Reduction, count = losses.length): [Float32Array, number[]] {
  if (reduction === 'none') return [losses, shape];
  let s = 0;
  for (let i = 0; i < losses.length; i++) s += losses[i];
  // A mean over zero elements is NaN, as PyTorch's.
  return [new Float32Array([reduction === 'sum' ? s : s / count]), []];
}

/** PyTorch's default ignore_index. */
export const DEFAULT_IGNORE_INDEX = -100;

/**
 * Reads targets into a fresh Int32Array of `count` class indices in [0, C), naming any bad one;
 * a target equal to `ignoreIndex` is stored as -1 (the kernels' mark for a skipped row). A
 * Tensor must have the row shape; an Int32Array or number[] holds one index per row, or is
 * nested in the row shape.
 */
function classIndices(where: string, target: unknown, rowShape: number[], count: number, C: number, ignoreIndex?: number): Int32Array {
  const inputShape = () => `[${rowShape[0]}, ${C}${rowShape.slice(1).map((s) => `, ${s}`).join('')}]`;
  const nested = Array.isArray(target) && target.length > 0 && Array.isArray(target[0]);
  if (target instanceof Tensor) {
    if (!sameShape(target.shape, rowShape)) {
      throw shapeError(where, `shape ${formatShape(rowShape)} (the input's is ${inputShape()})`, 'target', target.shape);
    }
  } else if ((target instanceof Int32Array || Array.isArray(target)) && !nested) {
    if (target.length !== count) {
      throw rangeError(where, `${count} class indices (one per row of input)`, 'target', target.length);
    }
  } else if (!nested) {
    throw typeError(where, 'class indices (a Tensor, an Int32Array or an array of numbers)', 'target', target);
  }
  const words = { number: 'a class index (a number)', integer: 'an integer class index', range: `a class index in [0, ${C})` };
  const { ids, shape } = readIndices(where, 'target', target, C, words, ignoreIndex);
  if (nested && !sameShape(shape, rowShape)) {
    throw shapeError(where, `shape ${formatShape(rowShape)} (the input's is ${inputShape()})`, 'target', shape);
  }
  return ids;
}

/** The ignoreIndex option: any integer (PyTorch's -100 by default). */
function ignoreIndexOf(where: string, v: unknown): number {
  return checkInt(where, 'ignoreIndex', v ?? DEFAULT_IGNORE_INDEX, -Number.MAX_SAFE_INTEGER);
}

/** How many rows count (their target is not the ignored mark -1). */
function countKept(targets: Int32Array): number {
  let k = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] !== -1) k++;
  return k;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** [0] mixes the one-hot target with the uniform distribution (Szegedy et al. 2016): eps in [0, 1]. */
  labelSmoothing?: number;
  /** ['mean'] 'mean' averages over the rows, 'sum' adds them, 'none' returns one loss per row. */
  reduction?: Reduction;
  /** A rescaling weight per class, shape (C); 'mean' then divides by the sum of the targets' weights. */
  weight?: Tensor | null;
  /** [-100] a target value that adds nothing and is not counted in the mean (it may name a class). */
  ignoreIndex?: number;
}

/**
 * Cross-entropy between logits and class indices: a fused, numerically stable log-softmax +
 * negative log-likelihood (one native pass forward, one backward), as
 * torch.nn.functional.cross_entropy. With label smoothing eps (Szegedy et al. 2016):
 * loss = (1 - eps) * (-log p_target) + eps * mean_c(-log p_c). With a class weight w:
 * loss = (1 - eps) * w_target * (-log p_target) + eps / C * sum_c w_c * (-log p_c), and 'mean'
 * divides the sum by sum_rows w_target (PyTorch's weighted mean), not by the row count. Rows
 * whose target is ignoreIndex add nothing (their 'none' loss is 0, smoothing term included) and
 * are left out of the mean's count (or weight sum), as PyTorch's; a mean over no rows is NaN.
 * @param input (N, C) logits, or (N, C, d1, ...) with one class dimension second
 * @param target (N) or (N, d1, ...) class indices in [0, C) or equal to ignoreIndex: a Tensor of integers, an Int32Array or a (nested) number[]
 * @param opts `{ labelSmoothing = 0, reduction = 'mean', weight?, ignoreIndex = -100 }`: 'mean' averages over the N*d1*... rows not ignored, 'sum' adds them, 'none' returns shape (N, d1, ...); weight, shape (C), is a constant (no gradient reaches it)
 * @throws TypeError for a non-Tensor input, weight or targets of another type or a surplus argument (PyTorch's positional options go in opts); RangeError for an input with fewer than 2 dimensions, a target of the wrong shape, a target that is neither ignoreIndex nor an integer in [0, C), a weight not of shape (C), labelSmoothing outside [0, 1], a non-integer ignoreIndex, or an unknown reduction.
 * @example const loss = F.crossEntropy(logits, [3, 0, -100], { labelSmoothing: 0.1 }); // the third row is ignored
 */
export function crossEntropy(input: Tensor, target: Targets, opts?: CrossEntropyOptions): Tensor {
  if (arguments.length > 2) expectArity('crossEntropy', arguments, 2, true);
  return crossEntropyAt('crossEntropy', input, target, opts);
}

/** F.crossEntropy naming `where` in its errors: CrossEntropyLoss's forward calls it. @internal */
export function crossEntropyAt(where: string, input: Tensor, target: Targets, opts?: CrossEntropyOptions): Tensor {
  checkTensor(where, 'input', input);
  const o = checkOptions(where, opts, ['labelSmoothing', 'reduction', 'weight', 'ignoreIndex']);
  const eps = checkInRange(where, 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
  const reduction = checkReduction(where, o.reduction);
  const ignoreIndex = ignoreIndexOf(where, o.ignoreIndex);
  if (input.ndim < 2) {
    throw shapeError(where, 'shape (N, C) or (N, C, d1, ...)', 'input', input.shape);
  }
  const N = input.shape[0];
  const C = input.shape[1];
  if (C < 1) throw shapeError(where, 'at least one class (a non-empty dimension 1)', 'input', input.shape);
  const rowShape = [N, ...input.shape.slice(2)];
  const D = input.shape.slice(2).reduce((a, b) => a * b, 1);
  const R = N * D;
  const targets = classIndices(where, target, rowShape, R, C, ignoreIndex);
  const weight = classWeight(where, o.weight, C);
  const losses = new Float32Array(R);
  const lse = new Float32Array(R);
  const x = input.data;
  // Ignored rows carry -1 (classIndices' mark), which the kernels skip.
  native.crossentropyForward(losses, lse, x, targets, N, C, D, eps, -1);
  if (weight) return weightedCrossEntropy(input, targets, weight.data, lse, rowShape, N, C, D, eps, reduction);
  const kept = countKept(targets);
  const [out, shape] = reduceLosses(losses, rowShape, reduction, kept);
  return fromOp(out, shape, [input], 'crossEntropy', (g) => {
    const dx = new Float32Array(x.length);
    const dloss = reduction === 'mean' ? new Float32Array([g[0] / kept]) : g;
    native.crossentropyBackward(dx, dloss, x, lse, targets, N, C, D, eps, -1);
    return [dx];
  });
}

/** CrossEntropy's class weight: null, or a Tensor of shape (C). */
function classWeight(where: string, w: unknown, C: number): Tensor | null {
  if (w === undefined || w === null) return null;
  checkTensor(where, 'weight', w);
  const t = w as Tensor;
  if (!sameShape(t.shape, [C])) throw shapeError(where, `shape [${C}] (one per class)`, 'weight', t.shape);
  return t;
}

/**
 * Class-weighted cross-entropy from the kernel's log-sum-exp per row (x at (n, c, d) is
 * x[(n * C + c) * D + d]), as torch's cross_entropy with weight: the smoothing term weights
 * every class by w_c, and 'mean' divides by the sum of the targets' weights.
 */
function weightedCrossEntropy(
  input: Tensor, targets: Int32Array, w: Float32Array, lse: Float32Array, rowShape: number[],
  N: number, C: number, D: number, eps: number, reduction: Reduction,
): Tensor {
  const x = input.data;
  const R = N * D;
  const w0 = w.slice(); // the backward pass must see the weights of the forward pass
  const losses = new Float32Array(R);
  let wsum = 0;
  let wtot = 0;
  for (let c = 0; c < C; c++) wtot += w0[c];
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const r = n * D + d;
      const base = n * C * D + d;
      const t = targets[r];
      if (t === -1) continue; // ignored: loss 0, not in the weight sum
      let smooth = 0;
      if (eps > 0) for (let c = 0; c < C; c++) smooth += w0[c] * (lse[r] - x[base + c * D]);
      losses[r] = (1 - eps) * w0[t] * (lse[r] - x[base + t * D]) + (eps / C) * smooth;
      wsum += w0[t];
    }
  }
  let out: Float32Array;
  let shape: number[];
  if (reduction === 'none') [out, shape] = [losses, rowShape];
  else {
    let s = 0;
    for (let r = 0; r < R; r++) s += losses[r];
    // A weighted mean whose weights sum to 0 is NaN, as PyTorch's (0 / 0).
    [out, shape] = [new Float32Array([reduction === 'sum' ? s : s / wsum]), []];
  }
  return fromOp(out, shape, [input], 'crossEntropy', (g) => {
    const dx = new Float32Array(x.length);
    for (let n = 0; n < N; n++) {
      for (let d = 0; d < D; d++) {
        const r = n * D + d;
        const base = n * C * D + d;
        const t = targets[r];
        if (t === -1) continue;
        const gr = reduction === 'none' ? g[r] : reduction === 'sum' ? g[0] : g[0] / wsum;
        // d/dx_c = (1 - eps) w_t (p_c - [c = t]) + eps / C (p_c sum_k w_k - w_c)
        for (let c = 0; c < C; c++) {
          const p = Math.exp(x[base + c * D] - lse[r]);
          dx[base + c * D] = gr * ((1 - eps) * w0[t] * (p - (c === t ? 1 : 0)) + (eps / C) * (p * wtot - w0[c]));
        }
      }
    }
    return [dx];
  });
}

/** Options of `nllLoss`. */
export interface NLLLossOptions {
  /** A rescaling weight per class, shape (C); 'mean' then divides by the sum of the targets' weights. */
  weight?: Tensor | null;
  /** [-100] a target value that adds nothing and is not counted in the mean (it may name a class). */
  ignoreIndex?: number;
  /** 'mean', 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * Negative log-likelihood of class indices under log-probabilities, as
 * torch.nn.functional.nll_loss: loss_r = -w_t * input[n, t, d] for row r = (n, d) with target t
 * (w = 1 without a weight). 'mean' divides the sum by sum_r w_t over the rows not ignored (the
 * row count without a weight), so a mean over no rows is NaN, as PyTorch's; rows whose target
 * is ignoreIndex add 0. The gradient is -w_t * g at each row's target, 0 elsewhere. With
 * `logSoftmax` it is crossEntropy.
 * @param input (N, C) log-probabilities, or (N, C, d1, ...) with one class dimension second
 * @param target (N) or (N, d1, ...) class indices in [0, C) or equal to ignoreIndex: a Tensor of integers, an Int32Array or a (nested) number[]
 * @param opts `{ weight?, ignoreIndex = -100, reduction = 'mean' }`: weight, shape (C), is a constant (no gradient reaches it)
 * @throws TypeError for a non-Tensor input or weight, or targets of another type; RangeError for an input with fewer than 2 dimensions, a target of the wrong shape, a target that is neither ignoreIndex nor an integer in [0, C), a weight not of shape (C), a non-integer ignoreIndex, or an unknown reduction.
 * @example const loss = F.nllLoss(F.logSoftmax(logits, 1), [2, 0, -100]);
 */
export function nllLoss(input: Tensor, target: Targets, opts?: NLLLossOptions): Tensor {
  if (arguments.length > 2) expectArity('nllLoss', arguments, 2, true);
  return nllLossAt('nllLoss', input, target, opts);
}

/** F.nllLoss naming `where` in its errors: its module's forward calls it. @internal */
export function nllLossAt(where: string, input: Tensor, target: Targets, opts?: NLLLossOptions): Tensor {
  checkTensor(where, 'input', input);
  const o = checkOptions(where, opts, ['weight', 'ignoreIndex', 'reduction']);
  const reduction = checkReduction(where, o.reduction);
  const ignoreIndex = ignoreIndexOf(where, o.ignoreIndex);
  if (input.ndim < 2) {
    throw shapeError(where, 'shape (N, C) or (N, C, d1, ...)', 'input', input.shape);
  }
  const N = input.shape[0];
  const C = input.shape[1];
  if (C < 1) throw shapeError(where, 'at least one class', 'input', input.shape);
  const rowShape = [N, ...input.shape.slice(2)];
  const D = input.shape.slice(2).reduce((a, b) => a * b, 1);
  const R = N * D;
  const targets = classIndices(where, target, rowShape, R, C, ignoreIndex);
  const wt = classWeight(where, o.weight, C);
  const w = wt ? wt.data.slice() : null; // the backward pass must see the weights of the forward pass
  const x = input.data;
  const losses = new Float32Array(R);
  // The element each row reads (-1: ignored) and its weight.
  const at = new Int32Array(R);
  const rw = new Float32Array(R);
  let wsum = 0;
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const r = n * D + d;
      const t = targets[r];
      if (t === -1) {
        at[r] = -1;
        continue;
      }
      at[r] = (n * C + t) * D + d;
      rw[r] = w ? w[t] : 1;
      losses[r] = -rw[r] * x[at[r]];
      wsum += rw[r];
    }
  }
  const [out, shape] = reduceLosses(losses, rowShape, reduction, wsum);
  return fromOp(out, shape, [input], 'nllLoss', (g) => {
    const dx = new Float32Array(x.length);
    const scale = reduction === 'mean' ? g[0] / wsum : g[0];
    for (let r = 0; r < R; r++) if (at[r] >= 0) dx[at[r]] = -rw[r] * (reduction === 'none' ? g[r] : scale);
    return [dx];
  });
}

/** A constant weight that broadcasts to `shape`, or null; names it otherwise. */
function broadcastWeight(where: string, name: string, w: unknown, shape: number[]): Tensor | null {
  if (w === undefined || w === null) return null;
  checkTensor(where, name, w);
  const t = w as Tensor;
  let fits = true;
  try {
    fits = sameShape(broadcastShapes(where, t.shape, shape), shape);
  } catch {
    fits = false;
  }
  if (!fits) throw shapeError(where, `a shape that broadcasts to the input's shape ${formatShape(shape)}`, name, t.shape);
  return t;
}

function checkPair(where: string, input: Tensor, target: Tensor): void {
  checkTensor(where, 'input', input);
  checkTensor(where, 'target', target);
  if (!sameShape(input.shape, target.shape)) {
    throw shapeError(where, `the input's shape ${formatShape(input.shape)}`, 'target', target.shape);
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
  /** [none] a constant rescaling weight, broadcast against the input; 'mean' stays a plain mean. */
  weight?: Tensor | null;
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
 * A weight w multiplies each element's loss; 'mean' is then the plain mean of w * loss, as PyTorch's.
 * @param input logits, any shape
 * @param target probabilities in [0, 1], the input's shape
 * @param opts `{ reduction = 'mean', posWeight?, weight? }`: both broadcast against the input; weight is a constant (no gradient reaches it)
 * @throws TypeError for a non-Tensor or a surplus argument (PyTorch's positional options go in opts); RangeError for a shape mismatch, a posWeight or weight that does not broadcast to the input, or an unknown reduction.
 * @example const loss = F.binaryCrossEntropyWithLogits(logits, y, { posWeight: tensor([3]) });
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts?: BCEWithLogitsOptions): Tensor {
  if (arguments.length > 2) expectArity('binaryCrossEntropyWithLogits', arguments, 2, true);
  return binaryCrossEntropyWithLogitsAt('binaryCrossEntropyWithLogits', input, target, opts);
}

/** F.binaryCrossEntropyWithLogits naming `where` in its errors: BCEWithLogitsLoss's forward calls it. @internal */
export function binaryCrossEntropyWithLogitsAt(where: string, input: Tensor, target: Tensor, opts?: BCEWithLogitsOptions): Tensor {
  checkPair(where, input, target);
  const o = checkOptions(where, opts, ['reduction', 'posWeight', 'weight']);
  const reduction = checkReduction(where, o.reduction);
  const pw = broadcastWeight(where, 'posWeight', o.posWeight, input.shape);
  const x = input.data;
  const y = target.data;
  const n = x.length;
  const shape = input.shape.slice();
  const ew = elementWeights(where, o.weight, shape, n);
  if (pw === null) {
    return elementwiseLoss('binaryCrossEntropyWithLogits', [input, target], n, shape, reduction, (i) => ew(i) * ((1 - y[i]) * x[i] + softplusNeg(x[i])), (i, g, dx, dy) => {
      const gw = ew(i) * g;
      if (dx) dx[i] = (sigmoidOf(x[i]) - y[i]) * gw;
      if (dy) dy[i] = -x[i] * gw;
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
    (i) => ew(i) * ((1 - y[i]) * x[i] + (1 + (p[map[i]] - 1) * y[i]) * softplusNeg(x[i])),
    (i, g, dx, dy) => {
      const w = p[map[i]];
      const gw = ew(i) * g;
      if (dx) dx[i] = ((1 + (w - 1) * y[i]) * sigmoidOf(x[i]) - w * y[i]) * gw;
      if (dy) dy[i] = (-x[i] + (w - 1) * softplusNeg(x[i])) * gw;
    },
    (at) => {
      // d/dp = y * log(1 + exp(-x)), summed over the elements each weight was broadcast to.
      const dp = new Float32Array(p.length);
      for (let i = 0; i < n; i++) dp[map[i]] += ew(i) * y[i] * softplusNeg(x[i]) * at(i);
      return dp;
    },
  );
}

/**
 * Element i's constant weight: 1 without a weight, else the weight broadcast to `shape`
 * (copied: the backward pass must see the weights of the forward pass).
 */
function elementWeights(where: string, w: unknown, shape: number[], n: number): (i: number) => number {
  const t = broadcastWeight(where, 'weight', w, shape);
  if (t === null) return () => 1;
  const map = indexMap(t.shape, shape, n);
  const data = t.data.slice();
  return (i) => data[map[i]];
}


/** Options of `binaryCrossEntropy`. */
export interface BCEOptions {
  /** A constant rescaling weight, broadcast against the input. */
  weight?: Tensor | null;
  /** 'mean', 'sum' or 'none'. */
  reduction?: Reduction;
}

/** PyTorch clamps BCE's logarithms at -100, so that a probability of exactly 0 or 1 gives a finite loss. */
const clampedLog = (v: number): number => Math.max(Math.log(v), -100);

/**
 * Binary cross-entropy between probabilities and targets, as
 * torch.nn.functional.binary_cross_entropy: loss = -w * (y * log(x) + (1 - y) * log(1 - x)),
 * each log clamped at -100 (so x = 0 or 1 gives a finite loss). The input gradient is
 * w * (x - y) / max(x * (1 - x), 1e-12) and the target gradient w * log((1 - x) / x), as
 * PyTorch's backward. 'mean' is the plain mean of the weighted losses. For logits, prefer the
 * stable `binaryCrossEntropyWithLogits`.
 * @param input probabilities in [0, 1], any shape
 * @param target probabilities in [0, 1], the input's shape
 * @param opts `{ weight?, reduction = 'mean' }`: weight broadcasts against the input and is a constant (no gradient reaches it)
 * @throws TypeError for a non-Tensor input, target or weight; RangeError for a shape mismatch, an input or target element outside [0, 1] (NaN included), a weight that does not broadcast to the input, or an unknown reduction.
 * @example const loss = F.binaryCrossEntropy(F.sigmoid(logits), y, { weight: tensor([1, 2, 1]) });
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts?: BCEOptions): Tensor {
  if (arguments.length > 2) expectArity('binaryCrossEntropy', arguments, 2, true);
  return binaryCrossEntropyAt('binaryCrossEntropy', input, target, opts);
}

/** F.binaryCrossEntropy naming `where` in its errors: its module's forward calls it. @internal */
export function binaryCrossEntropyAt(where: string, input: Tensor, target: Tensor, opts?: BCEOptions): Tensor {
  checkPair(where, input, target);
  const o = checkOptions(where, opts, ['weight', 'reduction']);
  const reduction = checkReduction(where, o.reduction);
  const x = input.data;
  const y = target.data;
  const n = x.length;
  // PyTorch: "all elements of input should be between 0 and 1"; a target outside is as meaningless.
  for (let i = 0; i < n; i++) if (!(x[i] >= 0 && x[i] <= 1)) throw rangeError(where, 'probabilities in [0, 1]', `input[${i}]`, x[i]);
  for (let i = 0; i < n; i++) if (!(y[i] >= 0 && y[i] <= 1)) throw rangeError(where, 'probabilities in [0, 1]', `target[${i}]`, y[i]);
  const shape = input.shape.slice();
  const ew = elementWeights(where, o.weight, shape, n);
  return elementwiseLoss('binaryCrossEntropy', [input, target], n, shape, reduction, (i) => -ew(i) * (y[i] * clampedLog(x[i]) + (1 - y[i]) * clampedLog(1 - x[i])), (i, g, dx, dy) => {
    const gw = ew(i) * g;
    if (dx) dx[i] = (gw * (x[i] - y[i])) / Math.max((1 - x[i]) * x[i], 1e-12);
    // -logit(x) = log(1 - x) - log(x): infinite at x = 0 and 1, as PyTorch's.
    if (dy) dy[i] = gw * (Math.log(1 - x[i]) - Math.log(x[i]));
  });
}

/** Options of `huberLoss`. */
export interface HuberOptions {
  /** 'mean', 'sum' or 'none'. */
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (> 0). */
  delta?: number;
}

/**
 * Huber loss (Huber 1964), as torch.nn.functional.huber_loss: with d = x - y,
 * loss = 0.5 * d^2 where |d| < delta, else delta * (|d| - 0.5 * delta). Its gradient is d
 * clamped to [-delta, delta].
 * @param input any shape
 * @param target the input's shape
 * @param opts `{ reduction = 'mean', delta = 1 }`
 * @throws TypeError for a non-Tensor or a non-number delta; RangeError for a shape mismatch, a delta that is not a positive finite number, or an unknown reduction.
 * @example const loss = F.huberLoss(pred, y, { delta: 0.5 });
 */
export function huberLoss(input: Tensor, target: Tensor, opts?: HuberOptions): Tensor {
  if (arguments.length > 2) expectArity('huberLoss', arguments, 2, true);
  return huberLossAt('huberLoss', input, target, opts);
}

/** F.huberLoss naming `where` in its errors: its module's forward calls it. @internal */
export function huberLossAt(where: string, input: Tensor, target: Tensor, opts?: HuberOptions): Tensor {
  checkPair(where, input, target);
  const o = checkOptions(where, opts, ['reduction', 'delta']);
  const reduction = checkReduction(where, o.reduction);
  const delta = checkNumber(where, 'delta', o.delta ?? 1);
  if (!(delta > 0)) throw rangeError(where, 'a positive number', 'delta', delta);
  const x = input.data;
  const y = target.data;
  // PyTorch's huber_loss_backward, for the target with the roles of x and y swapped.
  const slope = (d: number) => (d < -delta ? -delta : d > delta ? delta : d);
  return elementwiseLoss('huberLoss', [input, target], x.length, input.shape.slice(), reduction, (i) => {
    const d = Math.abs(x[i] - y[i]);
    return d < delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
  }, (i, g, dx, dy) => {
    if (dx) dx[i] = slope(x[i] - y[i]) * g;
    if (dy) dy[i] = slope(y[i] - x[i]) * g;
  });
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1Options {
  /** 'mean', 'sum' or 'none'. */
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (>= 0; 0 is the L1 loss). */
  beta?: number;
}

/**
 * Smooth L1 loss (Girshick 2015, Fast R-CNN), as torch.nn.functional.smooth_l1_loss: with
 * d = x - y, loss = 0.5 * d^2 / beta where |d| < beta, else |d| - 0.5 * beta; beta = 0 is the
 * L1 loss. Equals huberLoss / beta for beta > 0. Its gradient is d / beta clamped to [-1, 1]
 * (for beta = 0, PyTorch's -1 at d = 0 included).
 * @param input any shape
 * @param target the input's shape
 * @param opts `{ reduction = 'mean', beta = 1 }`
 * @throws TypeError for a non-Tensor or a non-number beta; RangeError for a shape mismatch, a negative or non-finite beta, or an unknown reduction.
 * @example const loss = F.smoothL1Loss(boxes, targets, { beta: 1 / 9 });
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts?: SmoothL1Options): Tensor {
  if (arguments.length > 2) expectArity('smoothL1Loss', arguments, 2, true);
  return smoothL1LossAt('smoothL1Loss', input, target, opts);
}

/** F.smoothL1Loss naming `where` in its errors: its module's forward calls it. @internal */
export function smoothL1LossAt(where: string, input: Tensor, target: Tensor, opts?: SmoothL1Options): Tensor {
  checkPair(where, input, target);
  const o = checkOptions(where, opts, ['reduction', 'beta']);
  const reduction = checkReduction(where, o.reduction);
  const beta = checkNumber(where, 'beta', o.beta ?? 1);
  if (beta < 0) throw rangeError(where, 'a non-negative number', 'beta', beta);
  const x = input.data;
  const y = target.data;
  // PyTorch's smooth_l1_loss_backward, for the target with the roles of x and y swapped.
  const slope = (d: number) => (d <= -beta ? -1 : d >= beta ? 1 : d / beta);
  return elementwiseLoss('smoothL1Loss', [input, target], x.length, input.shape.slice(), reduction, (i) => {
    const d = Math.abs(x[i] - y[i]);
    return d < beta ? (0.5 * d * d) / beta : d - 0.5 * beta;
  }, (i, g, dx, dy) => {
    if (dx) dx[i] = slope(x[i] - y[i]) * g;
    if (dy) dy[i] = slope(y[i] - x[i]) * g;
  });
}

/** KLDiv's reductions: PyTorch's, plus 'batchmean' (the sum divided by the batch size). */
export type KLDivReduction = Reduction | 'batchmean';
/** The reductions `klDiv` takes. */
export const KL_REDUCTIONS: readonly KLDivReduction[] = ['mean', 'batchmean', 'sum', 'none'];

/** Options of `klDiv`. */
export interface KLDivOptions {
  /** 'mean' (over every element), 'batchmean' (over the first dimension: the KL divergence), 'sum' or 'none'. */
  reduction?: KLDivReduction;
  /** Whether the target holds log-probabilities (PyTorch's log_target). */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence (Kullback & Leibler 1951) of the target from the input, as
 * torch.nn.functional.kl_div: the input holds log-probabilities log q, the target
 * probabilities p, and loss = p * (log p - log q), 0 where p = 0 (xlogy); with logTarget,
 * loss = exp(t) * (t - log q). 'batchmean' divides the sum by input.shape[0] and gives the
 * KL divergence; 'mean' divides by every element, as PyTorch's (which warns about it).
 * @param input log-probabilities, any shape
 * @param target probabilities (or log-probabilities with logTarget), the input's shape
 * @param opts `{ reduction = 'mean', logTarget = false }`
 * @throws TypeError for a non-Tensor or a non-boolean logTarget; RangeError for a shape mismatch or a reduction other than 'mean', 'batchmean', 'sum' or 'none'.
 * @example const loss = F.klDiv(F.logSoftmax(student, 1), F.softmax(teacher, 1), { reduction: 'batchmean' });
 */
export function klDiv(input: Tensor, target: Tensor, opts?: KLDivOptions): Tensor {
  if (arguments.length > 2) expectArity('klDiv', arguments, 2, true);
  return klDivAt('klDiv', input, target, opts);
}

/** F.klDiv naming `where` in its errors: its module's forward calls it. @internal */
export function klDivAt(where: string, input: Tensor, target: Tensor, opts?: KLDivOptions): Tensor {
  checkPair(where, input, target);
  const o = checkOptions(where, opts, ['reduction', 'logTarget']);
  const reduction = checkChoice(where, 'reduction', o.reduction ?? 'mean', KL_REDUCTIONS);
  const logTarget = checkBoolean(where, 'logTarget', o.logTarget ?? false);
  const x = input.data;
  const y = target.data;
  const red: Reduction = reduction === 'batchmean' ? 'sum' : reduction;
  const loss = logTarget
    ? elementwiseLoss('klDiv', [input, target], x.length, input.shape.slice(), red, (i) => Math.exp(y[i]) * (y[i] - x[i]), (i, g, dx, dy) => {
      const e = Math.exp(y[i]);
      if (dx) dx[i] = -e * g;
      if (dy) dy[i] = e * (y[i] - x[i] + 1) * g;
    })
    : elementwiseLoss('klDiv', [input, target], x.length, input.shape.slice(), red, (i) => xlogy(y[i], y[i]) - y[i] * x[i], (i, g, dx, dy) => {
      if (dx) dx[i] = -y[i] * g;
      // PyTorch's xlogy backward: xlogy(t != 0, t) + t / t, so NaN at t = 0 (0 / 0).
      if (dy) dy[i] = (xlogy(y[i] !== 0 ? 1 : 0, y[i]) + y[i] / y[i] - x[i]) * g;
    });
  return reduction === 'batchmean' && input.ndim !== 0 ? loss.div(input.shape[0]) : loss;
}

/** a * log(b), 0 where a = 0 (unless b is NaN), as torch.xlogy. */
function xlogy(a: number, b: number): number {
  if (Number.isNaN(b)) return NaN;
  return a === 0 ? 0 : a * Math.log(b);
}

/** Options of `cosineEmbeddingLoss`. */
export interface CosineEmbeddingOptions {
  /** How far below it the cosine of a dissimilar pair (y = -1) must be to cost nothing; -1 to 1 makes sense, 0 to 0.5 is suggested. */
  margin?: number;
  /** 'mean', 'sum' or 'none'. */
  reduction?: Reduction;
}

/** CosineEmbedding's labels: each 1 or -1, one per row (or one Tensor of shape [] for unbatched input). */
function similarityLabels(where: string, target: unknown, N: number, batched: boolean): Float32Array {
  let values: ArrayLike<unknown>;
  if (target instanceof Tensor) {
    const want = batched ? [N] : [];
    if (!sameShape(target.shape, want)) throw shapeError(where, `shape ${formatShape(want)} (one label per row of the inputs)`, 'target', target.shape);
    values = target.data;
  } else if (batched && (target instanceof Int32Array || Array.isArray(target))) {
    if (target.length !== N) throw rangeError(where, `${N} labels (one per row of the inputs)`, 'target', target.length);
    values = target as ArrayLike<unknown>;
  } else {
    throw typeError(where, batched ? 'labels of 1 or -1 (a Tensor, an Int32Array or an array of numbers)' : 'a label of 1 or -1 (a Tensor of shape [])', 'target', target);
  }
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw typeError(where, 'a label (a number)', `target[${i}]`, v);
    // PyTorch counts any other label as 0 loss; here it is a RangeError (0/1 labels are a common slip).
    if (v !== 1 && v !== -1) throw rangeError(where, 'a label of 1 or -1', `target[${i}]`, v);
    out[i] = v;
  }
  return out;
}

/**
 * Cosine embedding loss, as torch.nn.functional.cosine_embedding_loss: with
 * cos = x1 . x2 / sqrt((|x1|^2 + 1e-12) * (|x2|^2 + 1e-12)) per row, loss = 1 - cos for
 * y = 1 and max(0, cos - margin) for y = -1.
 * @param input1 (N, D), or (D) for one pair
 * @param input2 input1's shape
 * @param target (N) labels of 1 or -1 (a Tensor, an Int32Array or a number[]), or a Tensor of shape [] for (D) inputs
 * @param opts `{ margin = 0, reduction = 'mean' }`
 * @throws TypeError for a non-Tensor input, a target of another type or a non-number margin; RangeError for inputs that are not (N, D) or (D) of one shape, a target of the wrong shape or count, a label other than 1 or -1, a non-finite margin, or an unknown reduction.
 * @example const loss = F.cosineEmbeddingLoss(a, b, [1, -1, 1], { margin: 0.2 });
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Targets, opts?: CosineEmbeddingOptions): Tensor {
  if (arguments.length > 3) expectArity('cosineEmbeddingLoss', arguments, 3, true);
  return cosineEmbeddingLossAt('cosineEmbeddingLoss', input1, input2, target, opts);
}

/** F.cosineEmbeddingLoss naming `where` in its errors: its module's forward calls it. @internal */
export function cosineEmbeddingLossAt(where: string, input1: Tensor, input2: Tensor, target: Targets, opts?: CosineEmbeddingOptions): Tensor {
  checkTensor(where, 'input1', input1);
  checkTensor(where, 'input2', input2);
  const o = checkOptions(where, opts, ['margin', 'reduction']);
  const margin = checkNumber(where, 'margin', o.margin ?? 0);
  const reduction = checkReduction(where, o.reduction);
  if (input1.ndim !== 1 && input1.ndim !== 2) throw shapeError(where, 'shape (N, D) or (D)', 'input1', input1.shape);
  if (!sameShape(input1.shape, input2.shape)) throw shapeError(where, `input1's shape ${formatShape(input1.shape)}`, 'input2', input2.shape);
  const batched = input1.ndim === 2;
  const N = batched ? input1.shape[0] : 1;
  const D = input1.shape[input1.ndim - 1];
  const y = similarityLabels(where, target, N, batched);
  const a = input1.data;
  const b = input2.data;
  const cos = new Float64Array(N);
  const m1 = new Float64Array(N);
  const m2 = new Float64Array(N);
  const losses = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let p = 0;
    let s1 = 1e-12;
    let s2 = 1e-12;
    for (let k = n * D; k < (n + 1) * D; k++) {
      p += a[k] * b[k];
      s1 += a[k] * a[k];
      s2 += b[k] * b[k];
    }
    m1[n] = s1;
    m2[n] = s2;
    cos[n] = p / Math.sqrt(s1 * s2);
    losses[n] = y[n] === 1 ? 1 - cos[n] : Math.max(0, cos[n] - margin);
  }
  const [out, shape] = reduceLosses(losses, batched ? [N] : [], reduction);
  return fromOp(out, shape, [input1, input2], 'cosineEmbeddingLoss', (g) => {
    const da = input1.requiresGrad ? new Float32Array(a.length) : null;
    const db = input2.requiresGrad ? new Float32Array(b.length) : null;
    for (let n = 0; n < N; n++) {
      const gl = reduction === 'none' ? g[n] : reduction === 'mean' ? g[0] / N : g[0];
      // clamp_min passes the gradient where cos - margin >= 0, as PyTorch's.
      const dcos = y[n] === 1 ? -gl : cos[n] - margin >= 0 ? gl : 0;
      const denom = Math.sqrt(m1[n] * m2[n]);
      for (let k = n * D; k < (n + 1) * D; k++) {
        // d cos / d x1 = x2 / denom - cos * x1 / |x1|^2, and symmetrically for x2.
        if (da) da[k] = dcos * (b[k] / denom - (cos[n] * a[k]) / m1[n]);
        if (db) db[k] = dcos * (a[k] / denom - (cos[n] * b[k]) / m2[n]);
      }
    }
    return [da, db];
  });
}
