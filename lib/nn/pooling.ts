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
 * 2-D max pooling over (N, C, H, W) inputs (see F.maxPool2d). Windows may overlap
 * (stride < kernelSize); the gradient goes to each window's maximum.
 * @param kernelSize a number or a [height, width] pair
 * @param opts `{ stride = kernelSize, padding = 0 }` (padding at most half the kernel)
 * @throws TypeError / RangeError for bad sizes, naming the argument.
 * @example const pool = new nn.MaxPool2d(2); pool.forward(x); // (N, C, H/2, W/2)
 */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
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

  override forward(x: Tensor): Tensor {
    return maxPool2dAt('MaxPool2d.forward', x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }

  override extraRepr(): string {
    return this.repr;
  }
}

/**
 * 2-D average pooling over (N, C, H, W) inputs (see F.avgPool2d).
 * @param kernelSize a number or a [height, width] pair
 * @param opts `{ stride = kernelSize, padding = 0, countIncludePad = true }`
 * @throws TypeError / RangeError for bad sizes, naming the argument.
 * @example const pool = new nn.AvgPool2d(2); pool.forward(x);
 */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
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

  override forward(x: Tensor): Tensor {
    return avgPool2dAt('AvgPool2d.forward', x, this.kernelSize, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return this.repr;
  }
}

/**
 * Adaptive 2-D average pooling to a fixed output size whatever the input size
 * (see F.adaptiveAvgPool2d); AdaptiveAvgPool2d(1) is global average pooling.
 * @param outputSize a number or an [OH, OW] pair, each at least 1
 * @throws TypeError / RangeError for a non-integer or non-positive size.
 * @example const gap = new nn.AdaptiveAvgPool2d(1); gap.forward(x); // (N, C, 1, 1)
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: Pair;
  private readonly repr: string;

  constructor(outputSize: PairLike) {
    super();
    expectArity('AdaptiveAvgPool2d', arguments, 1);
    this.outputSize = toPair('AdaptiveAvgPool2d', 'outputSize', outputSize, 1);
    this.repr = `output_size=${shown(outputSize, this.outputSize)}`;
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2dAt('AdaptiveAvgPool2d.forward', x, this.outputSize);
  }

  override extraRepr(): string {
    return this.repr;
  }
}
