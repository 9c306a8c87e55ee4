// torch.nn.Conv2d.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { conv2dAt } from './functional/conv';
import { MAX_PADDING, Pair, PairLike, formatPair, toPair } from './functional/window';
import { checkBoolean, checkInt, checkOptions } from '../errors';
import { shapeError } from '../errors';
import { expectArity } from '../options';
import { Generator, generatorFrom } from '../random';
import { resetWeightAndBias } from './init/layer';

/**
 * Options of the Conv2d module, as torch.nn.Conv2d's keyword arguments (dilation and groups
 * are not supported).
 * @example new kiln.nn.Conv2d(3, 16, 3, { stride: 2, padding: [1, 1], bias: false });
 */
export interface Conv2dModuleOptions {
  /** [1] a number or a [height, width] pair. */
  stride?: PairLike;
  /** [0] zero padding on each side, a number or a [height, width] pair. */
  padding?: PairLike;
  /** [true] whether to learn an additive bias. */
  bias?: boolean;
  /** [the default generator] the random stream of the initial weights. */
  generator?: Generator;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch's) over (N, C, H, W) inputs:
 * y[n, o, i, j] = bias[o] + sum_{c, u, v} weight[o, c, u, v] * x[n, c, i sH + u - pH, j sW + v - pW],
 * the input zero-padded, with output size floor((H + 2 pH - kH) / sH) + 1 (and likewise for W).
 * weight: (outChannels, inChannels, kH, kW), bias: (outChannels). Initialised as PyTorch's:
 * Kaiming-uniform (He et al. 2015) with a = sqrt(5), which is U(-1/sqrt(fanIn), 1/sqrt(fanIn))
 * with fanIn = inChannels * kH * kW, and the same bound for the bias.
 * @param inChannels C of the input, >= 1.
 * @param outChannels channels of the output, >= 1.
 * @param kernelSize a number or a [height, width] pair, each >= 1.
 * @param opts `{ stride = 1, padding = 0, bias = true, generator = the default generator }`
 *   ({@link Conv2dModuleOptions}).
 * @throws {TypeError} when a size is not a number or a pair, bias is not a boolean, generator is
 *   not a Generator, opts is not an object, or an option name is unknown.
 * @throws {RangeError} when a size is not an integer in range (kernelSize and stride >= 1,
 *   padding >= 0), a pair does not have two entries, or the weight would have more than
 *   2^31 - 1 elements.
 * @example
 * const conv = new kiln.nn.Conv2d(1, 32, 3, { padding: 1 });
 * conv.forward(kiln.randn([8, 1, 28, 28])).shape; // [8, 32, 28, 28]
 */
export class Conv2d extends Module {
  /** C of the input. */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  /** [kH, kW]. */
  readonly kernelSize: Pair;
  /** [sH, sW], the step between windows. @defaultValue [1, 1] */
  readonly stride: Pair;
  /** [pH, pW], zeros added on each side. @defaultValue [0, 0] */
  readonly padding: Pair;
  /** The filters, (outChannels, inChannels, kH, kW). */
  weight: Parameter;
  /** The per-channel bias, (outChannels); null when constructed with bias false. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: PairLike, opts: Conv2dModuleOptions = {}) {
    super();
    expectArity('Conv2d', arguments, 3, true);
    const where = 'Conv2d';
    const o = checkOptions(where, opts, ['stride', 'padding', 'bias', 'generator']);
    this.inChannels = checkInt(where, 'inChannels', inChannels, 1, 2 ** 31 - 1);
    this.outChannels = checkInt(where, 'outChannels', outChannels, 1, 2 ** 31 - 1);
    this.kernelSize = toPair(where, 'kernelSize', kernelSize, 1);
    this.stride = toPair(where, 'stride', o.stride ?? 1, 1);
    this.padding = toPair(where, 'padding', o.padding ?? 0, 0, MAX_PADDING);
    const useBias = checkBoolean(where, 'bias', o.bias ?? true);
    const [KH, KW] = this.kernelSize;
    const count = outChannels * inChannels * KH * KW;
    if (count > 2 ** 31 - 1) throw shapeError(where, 'a weight of at most 2^31-1 elements', '(outChannels, inChannels, kernelSize)', [outChannels, inChannels, KH, KW]);
    this.weight = new Parameter(new Float32Array(count), [outChannels, inChannels, KH, KW]);
    this.bias = useBias ? new Parameter(new Float32Array(outChannels), [outChannels]) : null;
    this.resetParameters(generatorFrom(where, o));
  }

  /**
   * Re-initialises weight and bias as PyTorch's reset_parameters: both uniform in
   * +-1/sqrt(inChannels * kH * kW) (Kaiming-uniform with a = sqrt(5)).
   * @param generator [the default generator] the random stream to draw from.
   * @throws {TypeError} when generator is given and is not a Generator.
   * @example conv.resetParameters(new kiln.Generator(0)); // reproducible weights
   */
  resetParameters(generator?: Generator): void {
    resetWeightAndBias('Conv2d', this.weight, this.bias, generator ?? generatorFrom('Conv2d'));
  }

  /**
   * Convolves x with the filters.
   * @param x (N, inChannels, H, W), or (inChannels, H, W) for one unbatched sample.
   * @returns (N, outChannels, OH, OW) (or unbatched), OH = floor((H + 2 pH - kH) / sH) + 1.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 3-D or 4-D, has other than inChannels channels, or the
   *   kernel does not fit the padded input.
   * @example new kiln.nn.Conv2d(3, 8, 3).forward(kiln.randn([2, 3, 32, 32])).shape; // [2, 8, 30, 30]
   */
  override forward(x: Tensor): Tensor {
    return conv2dAt('Conv2d.forward', x, this.weight, { bias: this.bias, stride: this.stride, padding: this.padding });
  }

  /**
   * The settings as PyTorch prints them: padding shown when non-zero, bias only when absent.
   * @example new kiln.nn.Conv2d(1, 8, 3, { bias: false }).extraRepr(); // '1, 8, kernel_size=(3, 3), stride=(1, 1), bias=False'
   */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${formatPair(this.kernelSize)}, stride=${formatPair(this.stride)}`;
    if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${formatPair(this.padding)}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
