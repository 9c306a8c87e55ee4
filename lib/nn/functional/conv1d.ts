// F.conv1d, F.maxPool1d and F.avgPool1d on the 2-D native kernels (native/kernels/conv2d.cc,
// pool2d.cc) with H = 1: an (N, C, L) input is an (N, C, 1, L) image and a length-K kernel a
// 1 x K one, so every output is the same sum over the same products in the same order. PyTorch
// computes conv1d and avg_pool1d the same way (as their 2-d forms on an unsqueezed input).
import { Tensor, fromOp, checkTensor, freshGrad } from '../../tensor';
import { formatShape } from '../../shape';
import { checkBoolean, checkInt, checkOptions, describe, rangeError, typeError, rangeErrorText, shapeError } from '../../errors';
import { native } from '../../native';
import { MAX_PADDING, MAX_WINDOW, checkOutputSize } from './window';
import { expectArity } from '../../options';

/** A 1-d size: a number, or a one-element array as PyTorch's _single takes. */
export type SingleLike = number | [number] | readonly number[];

/** Reads a number or a [n] array of an integer in [min, max], as PyTorch's _single. */
export function toSingle(where: string, name: string, v: unknown, min: number, max = MAX_WINDOW): number {
  if (Array.isArray(v)) {
    if (v.length !== 1) throw rangeError(where, 'a number or a one-element array', name, v);
    return checkInt(where, name, v[0], min, max);
  }
  if (typeof v !== 'number') throw typeError(where, 'a number or a one-element array', name, v);
  return checkInt(where, name, v, min, max);
}

/** The (N, C, L) view of a 3-D input, or of a 2-D one as a batch of one. */
interface SeqInput {
  N: number;
  C: number;
  L: number;
  batched: boolean;
}

function seqInput(where: string, x: Tensor): SeqInput {
  if (x.ndim === 3) return { N: x.shape[0], C: x.shape[1], L: x.shape[2], batched: true };
  if (x.ndim === 2) return { N: 1, C: x.shape[0], L: x.shape[1], batched: false };
  throw shapeError(where, 'a 3-D input (N, C, L) or a 2-D input (C, L)', 'input', x.shape);
}

function seqShape(s: SeqInput, C: number, OL: number): number[] {
  return s.batched ? [s.N, C, OL] : [C, OL];
}

/** floor((L + 2 padding - kernel) / stride) + 1, or a RangeError naming every number when below 1. */
function outLength(where: string, L: number, k: number, s: number, p: number, kernelName: string): number {
  const ol = Math.floor((L + 2 * p - k) / s) + 1;
  if (ol < 1) {
    throw rangeErrorText(where, 'the kernel to fit the padded input', kernelName, `input length ${L}, kernel ${k}, stride ${s}, padding ${p} (output length ${ol})`);
  }
  return ol;
}

/** Options of `conv1d`. */
export interface Conv1dOptions {
  /** [null] (outChannels). */
  bias?: Tensor | null;
  /** [1] a number or a one-element array. */
  stride?: SingleLike;
  /** [0] zero padding on each side, a number or a one-element array. */
  padding?: SingleLike;
}

/**
 * 1-D convolution (cross-correlation) over an (N, C, L) input, as torch.nn.functional.conv1d:
 * out[n, o, i] = bias[o] + sum_{c, k} weight[o, c, k] * x[n, c, i*stride - padding + k], zeros
 * outside the input; output length floor((L + 2 padding - K) / stride) + 1. Runs on the native
 * conv2d kernels with H = 1.
 * @param x (N, C, L), or (C, L) for one unbatched sample
 * @param weight (outChannels, C, K)
 * @param opts `{ bias = null, stride = 1, padding = 0 }`
 * @throws TypeError for a non-Tensor or a non-numeric option; RangeError for mismatched shapes
 *   (naming both), a non-integer or out-of-range stride/padding, or a kernel longer than the padded input.
 * @example const y = F.conv1d(x, w, { padding: 1 }); // x (N, C, L), w (OC, C, 3) -> (N, OC, L)
 */
export function conv1d(x: Tensor, weight: Tensor, opts: Conv1dOptions = {}): Tensor {
  if (arguments.length > 2) expectArity('conv1d', arguments, 2, true);
  return conv1dAt('conv1d', x, weight, opts);
}

/** F.conv1d naming `where` in its errors: its module's forward calls it. @internal */
export function conv1dAt(where: string, x: Tensor, weight: Tensor, opts: Conv1dOptions = {}): Tensor {
  checkTensor(where, 'input', x);
  checkTensor(where, 'weight', weight);
  const o = checkOptions(where, opts, ['bias', 'stride', 'padding']);
  const bias = o.bias ?? null;
  if (bias !== null) checkTensor(where, 'bias', bias);
  const stride = toSingle(where, 'stride', o.stride ?? 1, 1);
  const padding = toSingle(where, 'padding', o.padding ?? 0, 0, MAX_PADDING);
  if (weight.ndim !== 3) throw shapeError(where, 'a 3-D weight (outChannels, inChannels, K)', 'weight', weight.shape);
  const [OC, C, K] = weight.shape;
  if (OC < 1) throw rangeError(where, 'a weight with at least 1 output channel (dimension 0)', 'weight', weight);
  if (K < 1) throw rangeError(where, 'a weight with a non-empty kernel', 'weight', weight);
  const s = seqInput(where, x);
  if (s.C !== C) throw shapeError(where, `an input with ${C} channels (weight ${formatShape(weight.shape)})`, 'input', x.shape);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== OC)) {
    throw shapeError(where, `a bias of shape [${OC}] (weight ${formatShape(weight.shape)})`, 'bias', bias.shape);
  }
  const OL = outLength(where, s.L, K, stride, padding, 'weight');
  const { N, L } = s;
  checkOutputSize(where, seqShape(s, OC, OL), `input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}, stride ${stride} and padding ${padding}`);
  const out = new Float32Array(N * OC * OL);
  const win = [1, K, 1, stride, 0, padding] as const;
  native.conv2dForward(out, x.data, weight.data, bias ? bias.data : null, N, C, 1, L, OC, ...win);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp(out, seqShape(s, OC, OL), inputs, 'conv1d', (g) => {
    const dx = x.requiresGrad ? new Float32Array(x.numel) : null;
    const dw = weight.requiresGrad ? new Float32Array(weight.numel) : null;
    const db = bias && bias.requiresGrad ? new Float32Array(OC) : null;
    native.conv2dBackward(dx, dw, db, g, x.data, weight.data, N, C, 1, L, OC, ...win);
    return [dx && freshGrad(dx), dw && freshGrad(dw), db && freshGrad(db)];
  });
}

/** Options of `maxPool1d`. */
export interface Pool1dOptions {
  /** [kernelSize] a number or a one-element array. */
  stride?: SingleLike | null;
  /** [0] implicit padding on each side, at most half the kernel. */
  padding?: SingleLike;
}

/** Options of `avgPool1d`. */
export interface AvgPool1dOptions extends Pool1dOptions {
  /** [true] whether padded zeros count in the divisor. */
  countIncludePad?: boolean;
}

/** Kernel, stride (defaulting to the kernel) and padding (at most half the kernel) of a 1-d pooling. */
export function pool1dWindow(where: string, kernelSize: unknown, o: Pool1dOptions): { kernel: number; stride: number; padding: number } {
  const kernel = toSingle(where, 'kernelSize', kernelSize, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : toSingle(where, 'stride', o.stride, 1);
  const padding = toSingle(where, 'padding', o.padding ?? 0, 0, MAX_PADDING);
  if (2 * padding > kernel) throw rangeError(where, `at most half the kernelSize ${kernel}`, 'padding', padding);
  return { kernel, stride, padding };
}

/** A pooling input: (N, C, L) or (C, L), with C and L non-zero (as PyTorch's). */
function poolInput(where: string, x: Tensor): SeqInput {
  const s = seqInput(where, x);
  if (s.C === 0 || s.L === 0) throw rangeError(where, 'an input with non-zero sizes in every dimension but the batch', 'input', x);
  return s;
}

/**
 * 1-D max pooling, as torch.nn.functional.max_pool1d: each output is the maximum of its window
 * (padding counts as -inf); the gradient goes to the maximum (the first one on ties). NaN
 * propagates. Native (the pool2d kernels with H = 1).
 * @param x (N, C, L) or (C, L)
 * @param kernelSize a number or a one-element array
 * @param opts `{ stride = kernelSize, padding = 0 }`
 * @throws RangeError for a kernel longer than the padded input or padding over half the kernel.
 * @example F.maxPool1d(x, 2) // halves L
 */
export function maxPool1d(x: Tensor, kernelSize: SingleLike, opts: Pool1dOptions = {}): Tensor {
  if (arguments.length > 2) expectArity('maxPool1d', arguments, 2, true);
  return maxPool1dAt('maxPool1d', x, kernelSize, opts);
}

/** F.maxPool1d naming `where` in its errors: its module's forward calls it. @internal */
export function maxPool1dAt(where: string, x: Tensor, kernelSize: SingleLike, opts: Pool1dOptions = {}): Tensor {
  checkTensor(where, 'input', x);
  const { kernel, stride, padding } = pool1dWindow(where, kernelSize, checkOptions(where, opts, ['stride', 'padding']));
  const s = poolInput(where, x);
  const OL = outLength(where, s.L, kernel, stride, padding, 'kernelSize');
  checkOutputSize(where, seqShape(s, s.C, OL), `input ${formatShape(x.shape)}, kernelSize ${kernel}, stride ${stride} and padding ${padding}`);
  const P = s.N * s.C;
  const out = new Float32Array(P * OL);
  const argmax = new Int32Array(P * OL);
  native.maxPool2dForward(out, argmax, x.data, P, 1, s.L, 1, kernel, 1, stride, 0, padding);
  return fromOp(out, seqShape(s, s.C, OL), [x], 'maxPool1d', (g) => {
    const dx = new Float32Array(x.numel);
    native.maxPool2dBackward(dx, g, argmax, P, 1, s.L, 1, OL);
    return [freshGrad(dx)];
  });
}

/**
 * 1-D average pooling, as torch.nn.functional.avg_pool1d (ceil_mode off): each output is its
 * window's sum over the kernel size (countIncludePad) or over the real elements in it. Native
 * (the pool2d kernels with H = 1).
 * @param x (N, C, L) or (C, L)
 * @param kernelSize a number or a one-element array
 * @param opts `{ stride = kernelSize, padding = 0, countIncludePad = true }`
 * @throws RangeError for a kernel longer than the padded input or padding over half the kernel.
 * @example F.avgPool1d(x, 3, { stride: 1, padding: 1 }) // keeps L
 */
export function avgPool1d(x: Tensor, kernelSize: SingleLike, opts: AvgPool1dOptions = {}): Tensor {
  if (arguments.length > 2) expectArity('avgPool1d', arguments, 2, true);
  return avgPool1dAt('avgPool1d', x, kernelSize, opts);
}

/** F.avgPool1d naming `where` in its errors: its module's forward calls it. @internal */
export function avgPool1dAt(where: string, x: Tensor, kernelSize: SingleLike, opts: AvgPool1dOptions = {}): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['stride', 'padding', 'countIncludePad']);
  const { kernel, stride, padding } = pool1dWindow(where, kernelSize, o);
  const includePad = checkBoolean(where, 'countIncludePad', o.countIncludePad ?? true);
  const s = poolInput(where, x);
  const OL = outLength(where, s.L, kernel, stride, padding, 'kernelSize');
  checkOutputSize(where, seqShape(s, s.C, OL), `input ${formatShape(x.shape)}, kernelSize ${kernel}, stride ${stride} and padding ${padding}`);
  const P = s.N * s.C;
  const win = [1, kernel, 1, stride, 0, padding] as const;
  const out = new Float32Array(P * OL);
  native.avgPool2dForward(out, x.data, P, 1, s.L, ...win, includePad);
  return fromOp(out, seqShape(s, s.C, OL), [x], 'avgPool1d', (g) => {
    const dx = new Float32Array(x.numel);
    native.avgPool2dBackward(dx, g, P, 1, s.L, ...win, includePad);
    return [freshGrad(dx)];
  });
}
