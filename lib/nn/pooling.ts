// torch.nn.MaxPool2d, AvgPool2d and AdaptiveAvgPool2d.
import { Tensor } from '../tensor';
import { Module } from './module';
import { adaptiveAvgPool2dAt, avgPool2dAt, maxPool2dAt, poolWindow } from './functional/pooling';
import { Pair, PairLike, formatPair, toPair } from './functional/window';
import { checkBoolean, checkOptions } from '../errors';
import { expectArity } from '../options';

// PyTorch keeps pooling sizes as given and prints them so: 2 stays 2, [2, 3] prints (2, 3).
function shown(v: PairLike | undefined | null, pair: Pair): string {
  return typeof v === 'number' ? String(v) : formatPair(pair);
}

/**
 * 2-D max pooling over (N, C, H, W) inputs, as torch.nn.MaxPool2d:
 * y[n, c, i, j] = max over the kH x kW window at (i sH - pH, j sW - pW) of x[n, c], padding
 * counting as -infinity; output size floor((H + 2 pH - kH) / sH) + 1. Windows may overlap
 * (stride < kernelSize); the gradient goes to each window's maximum. See
 * `kiln.nn.functional.maxPool2d`.
 * @param kernelSize a number or a [height, width] pair.
 * @param opts `{ stride = kernelSize, padding = 0 }` (padding at most half the kernel); stride
 *   null is the kernel size too.
 * @throws {TypeError} when a size is not a number or a pair, opts is not an object, or an
 *   option name is unknown.
 * @throws {RangeError} when a size is not an integer in range (kernelSize and stride >= 1,
 *   padding >= 0), a pair does not have two entries, or padding is more than half the kernel.
 * @example
 * const pool = new kiln.nn.MaxPool2d(2);
 * pool.forward(kiln.randn([8, 16, 28, 28])).shape; // [8, 16, 14, 14]
 */
export class MaxPool2d extends Module {
  /** [kH, kW], the window size. */
  readonly kernelSize: Pair;
  /** [sH, sW], the step between windows; the kernel size unless given. */
  readonly stride: Pair;
  /** [pH, pW], implicit padding on each side (at most half the kernel). @defaultValue [0, 0] */
  readonly padding: Pair;
  private readonly repr: string;

  constructor(kernelSize: PairLike, opts: { stride?: PairLike | null; padding?: PairLike } = {}) {
    super();
    expectArity('MaxPool2d', arguments, 1, true);
    const o = checkOptions('MaxPool2d', opts, ['stride', 'padding']);
    const w = poolWindow('MaxPool2d', kernelSize, o);
    [this.kernelSize, this.stride, this.padding] = [w.kernel, w.stride, w.padding];
    const stride = o.stride === undefined || o.stride === null ? kernelSize : o.stride;
    this.repr = `kernel_size=${shown(kernelSize, w.kernel)}, stride=${shown(stride, w.stride)}, padding=${shown(o.padding ?? 0, w.padding)}, dilation=1, ceil_mode=False`;
  }

  /**
   * The maximum of each window of x.
   * @param x (N, C, H, W), or (C, H, W) unbatched.
   * @returns (N, C, OH, OW) (or unbatched), OH = floor((H + 2 pH - kH) / sH) + 1.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 3-D or 4-D, has an empty spatial dimension, or the kernel
   *   does not fit the padded input.
   * @example new kiln.nn.MaxPool2d(2).forward(kiln.tensor([[[[1, 2], [3, 4]]]])); // [[[[4]]]]
   */
  override forward(x: Tensor): Tensor {
    return maxPool2dAt('MaxPool2d.forward', x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    return this.repr;
  }
}

/**
 * 2-D average pooling over (N, C, H, W) inputs, as torch.nn.AvgPool2d: y[n, c, i, j] = the mean
 * of the kH x kW window at (i sH - pH, j sW - pW) of x[n, c]; output size
 * floor((H + 2 pH - kH) / sH) + 1. See `kiln.nn.functional.avgPool2d`.
 * @param kernelSize a number or a [height, width] pair.
 * @param opts `{ stride = kernelSize, padding = 0, countIncludePad = true }`: with
 *   countIncludePad the padding zeros count in each mean's divisor (always kH * kW); without,
 *   only the input's own elements do.
 * @throws {TypeError} when a size is not a number or a pair, countIncludePad is not a boolean,
 *   opts is not an object, or an option name is unknown.
 * @throws {RangeError} when a size is not an integer in range (kernelSize and stride >= 1,
 *   padding >= 0), a pair does not have two entries, or padding is more than half the kernel.
 * @example
 * const pool = new kiln.nn.AvgPool2d(2);
 * pool.forward(kiln.randn([8, 16, 28, 28])).shape; // [8, 16, 14, 14]
 */
export class AvgPool2d extends Module {
  /** [kH, kW], the window size. */
  readonly kernelSize: Pair;
  /** [sH, sW], the step between windows; the kernel size unless given. */
  readonly stride: Pair;
  /** [pH, pW], implicit padding on each side (at most half the kernel). @defaultValue [0, 0] */
  readonly padding: Pair;
  /** Whether padding zeros count in the divisor. @defaultValue true */
  readonly countIncludePad: boolean;
  private readonly repr: string;

  constructor(kernelSize: PairLike, opts: { stride?: PairLike | null; padding?: PairLike; countIncludePad?: boolean } = {}) {
    super();
    expectArity('AvgPool2d', arguments, 1, true);
    const o = checkOptions('AvgPool2d', opts, ['stride', 'padding', 'countIncludePad']);
    const w = poolWindow('AvgPool2d', kernelSize, o);
    [this.kernelSize, this.stride, this.padding] = [w.kernel, w.stride, w.padding];
    this.countIncludePad = checkBoolean('AvgPool2d', 'countIncludePad', o.countIncludePad ?? true);
    const stride = o.stride === undefined || o.stride === null ? kernelSize : o.stride;
    this.repr = `kernel_size=${shown(kernelSize, w.kernel)}, stride=${shown(stride, w.stride)}, padding=${shown(o.padding ?? 0, w.padding)}`;
  }

  /**
   * The mean of each window of x.
   * @param x (N, C, H, W), or (C, H, W) unbatched.
   * @returns (N, C, OH, OW) (or unbatched), OH = floor((H + 2 pH - kH) / sH) + 1.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 3-D or 4-D, has an empty spatial dimension, or the kernel
   *   does not fit the padded input.
   * @example new kiln.nn.AvgPool2d(2).forward(kiln.tensor([[[[1, 2], [3, 4]]]])); // [[[[2.5]]]]
   */
  override forward(x: Tensor): Tensor {
    return avgPool2dAt('AvgPool2d.forward', x, this.kernelSize, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return this.repr;
  }
}

/**
 * Adaptive 2-D average pooling to a fixed output size whatever the input size, as
 * torch.nn.AdaptiveAvgPool2d: output cell (i, j) averages input rows
 * floor(i H / OH) .. ceil((i + 1) H / OH) - 1 and the columns likewise. AdaptiveAvgPool2d(1)
 * is global average pooling. See `kiln.nn.functional.adaptiveAvgPool2d`.
 * @param outputSize a number or an [OH, OW] pair, each at least 1.
 * @throws {TypeError} when outputSize is not a number or a pair of numbers.
 * @throws {RangeError} when a size is not an integer >= 1, or a pair does not have two entries.
 * @example
 * const gap = new kiln.nn.AdaptiveAvgPool2d(1);
 * gap.forward(kiln.randn([8, 512, 7, 7])).shape; // [8, 512, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  /** [OH, OW], the output's spatial size. */
  readonly outputSize: Pair;
  private readonly repr: string;

  constructor(outputSize: PairLike) {
    super();
    expectArity('AdaptiveAvgPool2d', arguments, 1);
    this.outputSize = toPair('AdaptiveAvgPool2d', 'outputSize', outputSize, 1);
    this.repr = `output_size=${shown(outputSize, this.outputSize)}`;
  }

  /**
   * Averages x down to outputSize.
   * @param x (N, C, H, W), or (C, H, W) unbatched.
   * @returns (N, C, OH, OW) (or unbatched).
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 3-D or 4-D, or has an empty spatial dimension.
   * @example new kiln.nn.AdaptiveAvgPool2d([1, 2]).forward(kiln.zeros([1, 3, 5, 5])).shape; // [1, 3, 1, 2]
   */
  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2dAt('AdaptiveAvgPool2d.forward', x, this.outputSize);
  }

  override extraRepr(): string {
    return this.repr;
  }
}
