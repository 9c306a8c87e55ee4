// F.maxPool2d, F.avgPool2d, F.adaptiveAvgPool2d on the native kernels (native/kernels/pool2d.cc).
import { Tensor, fromOp, checkTensor } from '../../tensor';
import { checkBoolean, checkOptions, rangeError } from '../../errors';
import { shapeError } from '../../errors';
import { native } from '../../native';
import { MAX_PADDING, Pair, PairLike, checkHalfPadding, checkOutputSize, formatPair, spatialInput, spatialShape, toPair, windowOutput } from './window';
import { formatShape } from '../../shape';
import { expectArity } from '../../options';

/** Options of {@link maxPool2d} (and, extended, of {@link avgPool2d}). */
export interface Pool2dOptions {
  /** [kernelSize] a number or a [height, width] pair. */
  stride?: PairLike | null;
  /** [0] implicit padding on each side, at most half the kernel. */
  padding?: PairLike;
}

/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions extends Pool2dOptions {
  /** [true] whether padded zeros count in the divisor. */
  countIncludePad?: boolean;
}

/** Kernel, stride (defaulting to the kernel, as PyTorch's) and padding of a pooling call. */
export function poolWindow(where: string, kernelSize: unknown, opts: Pool2dOptions): { kernel: Pair; stride: Pair; padding: Pair } {
  const kernel = toPair(where, 'kernelSize', kernelSize, 1);
  const stride = opts.stride === undefined || opts.stride === null ? kernel : toPair(where, 'stride', opts.stride, 1);
  const padding = toPair(where, 'padding', opts.padding ?? 0, 0, MAX_PADDING);
  checkHalfPadding(where, kernel, padding);
  return { kernel, stride, padding };
}

/**
 * Max and average pooling need a non-empty (C, H, W) sample, as PyTorch's ("Expected 3D or 4D
 * (batch mode) tensor with optional 0 dim batch size"): only the batch may be empty. Adaptive
 * pooling allows C = 0, as PyTorch's does.
 */
function checkNonEmptySample(where: string, x: Tensor): void {
  const first = x.ndim === 4 ? 1 : 0;
  if (x.shape.slice(first).some((d) => d === 0)) {
    throw rangeError(where, 'an input with non-zero sizes in every dimension but the batch', 'input', x);
  }
}

/**
 * 2-D max pooling, as torch.nn.functional.max_pool2d: each output is the maximum of its
 * kH x kW window (padding counts as -inf). The gradient flows to the maximum only; with ties,
 * to the first one in row-major window order, as PyTorch's. NaN propagates. Output size per
 * dimension: floor((in + 2 padding - kernel) / stride) + 1.
 * @param x (N, C, H, W) or (C, H, W)
 * @param kernelSize a number or a [height, width] pair
 * @param opts `{ stride = kernelSize, padding = 0 }`
 * @throws TypeError for a non-Tensor, a non-numeric size or a surplus argument (PyTorch's positional
 *   stride goes in opts); RangeError for a kernel larger than the padded input, padding over half
 *   the kernel, or an input that is not 3-D or 4-D.
 * @example F.maxPool2d(x, 2)  // halves H and W
 */
export function maxPool2d(x: Tensor, kernelSize: PairLike, opts: Pool2dOptions = {}): Tensor {
  if (arguments.length > 2) expectArity('maxPool2d', arguments, 2, true);
  return maxPool2dAt('maxPool2d', x, kernelSize, opts);
}

/** F.maxPool2d naming `where` in its errors: MaxPool2d's forward calls it. @internal */
export function maxPool2dAt(where: string, x: Tensor, kernelSize: PairLike, opts: Pool2dOptions = {}): Tensor {
  checkTensor(where, 'input', x);
  const { kernel, stride, padding } = poolWindow(where, kernelSize, checkOptions(where, opts, ['stride', 'padding']));
  const s = spatialInput(where, x);
  checkNonEmptySample(where, x);
  const [OH, OW] = windowOutput(where, s, kernel, stride, padding);
  checkOutputSize(where, spatialShape(s, s.C, OH, OW), `input ${formatShape(x.shape)}, kernelSize ${formatPair(kernel)}, stride ${formatPair(stride)} and padding ${formatPair(padding)}`);
  const { H, W } = s;
  const P = s.N * s.C;
  const out = new Float32Array(P * OH * OW);
  const argmax = new Int32Array(P * OH * OW);
  native.maxPool2dForward(out, argmax, x.data, P, H, W, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1]);
  return fromOp(out, spatialShape(s, s.C, OH, OW), [x], 'maxPool2d', (g) => {
    const dx = new Float32Array(x.numel);
    native.maxPool2dBackward(dx, g, argmax, P, H, W, OH, OW);
    return [dx];
  });
}

/**
 * 2-D average pooling, as torch.nn.functional.avg_pool2d (ceil_mode off): each output is the
 * sum of its window divided by kH * kW (with countIncludePad) or by the number of real pixels
 * in it (without). Output size per dimension: floor((in + 2 padding - kernel) / stride) + 1.
 * @param x (N, C, H, W) or (C, H, W)
 * @param kernelSize a number or a [height, width] pair
 * @param opts `{ stride = kernelSize, padding = 0, countIncludePad = true }`
 * @throws TypeError for a non-Tensor, a non-numeric size or a surplus argument (PyTorch's positional
 *   stride goes in opts); RangeError for a kernel larger than the padded input, padding over half
 *   the kernel, or an input that is not 3-D or 4-D.
 * @example F.avgPool2d(x, 2)
 */
export function avgPool2d(x: Tensor, kernelSize: PairLike, opts: AvgPool2dOptions = {}): Tensor {
  if (arguments.length > 2) expectArity('avgPool2d', arguments, 2, true);
  return avgPool2dAt('avgPool2d', x, kernelSize, opts);
}

/** F.avgPool2d naming `where` in its errors: AvgPool2d's forward calls it. @internal */
export function avgPool2dAt(where: string, x: Tensor, kernelSize: PairLike, opts: AvgPool2dOptions = {}): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['stride', 'padding', 'countIncludePad']);
  const { kernel, stride, padding } = poolWindow(where, kernelSize, o);
  const includePad = checkBoolean(where, 'countIncludePad', o.countIncludePad ?? true);
  const s = spatialInput(where, x);
  checkNonEmptySample(where, x);
  const [OH, OW] = windowOutput(where, s, kernel, stride, padding);
  checkOutputSize(where, spatialShape(s, s.C, OH, OW), `input ${formatShape(x.shape)}, kernelSize ${formatPair(kernel)}, stride ${formatPair(stride)} and padding ${formatPair(padding)}`);
  const { H, W } = s;
  const P = s.N * s.C;
  const win = [kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1]] as const;
  const out = new Float32Array(P * OH * OW);
  native.avgPool2dForward(out, x.data, P, H, W, ...win, includePad);
  return fromOp(out, spatialShape(s, s.C, OH, OW), [x], 'avgPool2d', (g) => {
    const dx = new Float32Array(x.numel);
    native.avgPool2dBackward(dx, g, P, H, W, ...win, includePad);
    return [dx];
  });
}

/**
 * Adaptive 2-D average pooling, as torch.nn.functional.adaptive_avg_pool2d: output cell (i, j)
 * averages input rows floor(i*H/OH) .. ceil((i+1)*H/OH) - 1 and the columns likewise, so any
 * input size maps to outputSize (windows overlap when the sizes do not divide).
 * @param x (N, C, H, W) or (C, H, W), with H, W >= 1
 * @param outputSize a number or an [OH, OW] pair, each at least 1
 * @throws TypeError for a non-Tensor, a non-numeric size or a surplus argument; RangeError for an
 *   output size below 1, an empty input plane, or an input that is not 3-D or 4-D.
 * @example F.adaptiveAvgPool2d(x, 1)  // global average pooling: (N, C, 1, 1)
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: PairLike): Tensor {
  if (arguments.length > 2) expectArity('adaptiveAvgPool2d', arguments, 2);
  return adaptiveAvgPool2dAt('adaptiveAvgPool2d', x, outputSize);
}

/** F.adaptiveAvgPool2d naming `where` in its errors: AdaptiveAvgPool2d's forward calls it. @internal */
export function adaptiveAvgPool2dAt(where: string, x: Tensor, outputSize: PairLike): Tensor {
  checkTensor(where, 'input', x);
  const [OH, OW] = toPair(where, 'outputSize', outputSize, 1);
  const s = spatialInput(where, x);
  const { H, W } = s;
  if (H < 1 || W < 1) throw shapeError(where, 'non-empty H and W', 'input', x.shape);
  checkOutputSize(where, spatialShape(s, s.C, OH, OW), `input ${formatShape(x.shape)} and outputSize ${formatPair([OH, OW])}`);
  const P = s.N * s.C;
  const out = new Float32Array(P * OH * OW);
  native.adaptiveAvgPool2dForward(out, x.data, P, H, W, OH, OW);
  return fromOp(out, spatialShape(s, s.C, OH, OW), [x], 'adaptiveAvgPool2d', (g) => {
    const dx = new Float32Array(x.numel);
    native.adaptiveAvgPool2dBackward(dx, g, P, H, W, OH, OW);
    return [dx];
  });
}
