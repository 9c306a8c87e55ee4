// Shared by convolution and pooling: (height, width) pair arguments, (N, C, H, W) or unbatched
// (C, H, W) inputs, and the sliding-window output size.
import { Tensor } from '../../tensor';
import { formatShape } from '../../shape';
import { checkInt, describe, typeError } from '../../errors';
import { rangeError, rangeErrorText, shapeError } from '../../errors';

/** The largest kernel or stride the native kernels take (they index with int32). */
export const MAX_WINDOW = 2 ** 31 - 1;
/** The largest padding the native kernels take: in + 2 * padding must still fit an int32. */
export const MAX_PADDING = 2 ** 30 - 1;
/** The most elements an output may have: kernels index planes and buffers with int32. */
export const MAX_OUTPUT = 2 ** 31 - 1;

/** A (height, width) pair. */
export type Pair = [number, number];

/** A size given as one number for both dimensions or as a [height, width] pair. */
export type PairLike = number | [number, number] | readonly number[];

/** Reads a number or a [h, w] pair of integers in [min, max], as PyTorch's _pair. */
export function toPair(where: string, name: string, v: unknown, min: number, max = MAX_WINDOW): Pair {
  if (typeof v === 'number') {
    checkInt(where, name, v, min, max);
    return [v, v];
  }
  if (!Array.isArray(v)) throw typeError(where, 'a number or a pair of numbers', name, v);
  if (v.length !== 2) throw rangeError(where, 'a number or a pair of numbers', name, v);
  checkInt(where, name, v[0], min, max);
  checkInt(where, name, v[1], min, max);
  return [v[0], v[1]];
}

/** Renders a pair as PyTorch prints tuples: (3, 3). */
export function formatPair(p: readonly number[]): string {
  return `(${p.join(', ')})`;
}

/** The (N, C, H, W) view of a 4-D input, or of a 3-D one as a batch of one. */
export interface SpatialInput {
  N: number;
  C: number;
  H: number;
  W: number;
  batched: boolean;
}

export function spatialInput(where: string, x: Tensor): SpatialInput {
  if (x.ndim === 4) return { N: x.shape[0], C: x.shape[1], H: x.shape[2], W: x.shape[3], batched: true };
  if (x.ndim === 3) return { N: 1, C: x.shape[0], H: x.shape[1], W: x.shape[2], batched: false };
  throw shapeError(where, 'a 4-D (N, C, H, W) or 3-D (C, H, W) tensor', 'input', x.shape);
}

/** The output shape for an input read by spatialInput: unbatched in, unbatched out. */
export function spatialShape(s: SpatialInput, C: number, OH: number, OW: number): number[] {
  return s.batched ? [s.N, C, OH, OW] : [C, OH, OW];
}

/**
 * The sliding-window output size, floor((in + 2 p - k) / s) + 1 per dimension (PyTorch's,
 * ceil_mode off). Below 1 the kernel does not fit the padded input: a RangeError that names
 * every number that went into it, and the argument the kernel came from (`kernelName`: the
 * pooling's kernelSize, or a convolution's weight).
 */
export function windowOutput(where: string, s: SpatialInput, kernel: Pair, stride: Pair, padding: Pair, kernelName = 'kernelSize'): Pair {
  const oh = Math.floor((s.H + 2 * padding[0] - kernel[0]) / stride[0]) + 1;
  const ow = Math.floor((s.W + 2 * padding[1] - kernel[1]) / stride[1]) + 1;
  if (oh < 1 || ow < 1) {
    throw rangeErrorText(
      where, 'the kernel to fit the padded input', kernelName,
      `input size ${formatPair([s.H, s.W])}, kernel ${formatPair(kernel)}, stride ${formatPair(stride)}, padding ${formatPair(padding)} (output size ${formatPair([oh, ow])})`,
    );
  }
  return [oh, ow];
}

/** Pooling padding must leave a real pixel in every window: at most half the kernel (PyTorch's rule). */
export function checkHalfPadding(where: string, kernel: Pair, padding: Pair): void {
  if (2 * padding[0] > kernel[0] || 2 * padding[1] > kernel[1]) {
    throw rangeErrorText(where, `at most half the kernelSize ${formatPair(kernel)}`, 'padding', formatPair(padding));
  }
}

/**
 * Refuses an output of more than 2^31-1 elements (a huge padding or outputSize) before it is
 * allocated, naming the arguments it came from (`from`, e.g. "input [1, 1, 2, 2], padding (9, 9)").
 */
export function checkOutputSize(where: string, shape: number[], from: string): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > MAX_OUTPUT) throw shapeError(where, 'at most 2^31-1 elements', `the output of ${from}`, shape);
}
