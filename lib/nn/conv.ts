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
 * 2-D convolution over (N, C, H, W) inputs (see F.conv2d for the formula).
 * weight: (outChannels, inChannels, kH, kW), bias: (outChannels). Initialised as PyTorch's:
 * kaiming_uniform with a = sqrt(5) for the weight, which is U(-1/sqrt(fanIn), 1/sqrt(fanIn))
 * with fanIn = inChannels * kH * kW, and the same bound for the bias.
 * @param inChannels C of the input
 * @param outChannels channels of the output
 * @param kernelSize a number or a [height, width] pair
 * @param opts `{ stride = 1, padding = 0, bias = true, generator? }`
 * @throws TypeError / RangeError for non-integer or out-of-range sizes; forward throws a
 *   RangeError naming both shapes when the input has the wrong number of channels.
 * @example const conv = new nn.Conv2d(1, 32, 3, { padding: 1 }); const y = conv.forward(x);
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  weight: Parameter;
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

  /** PyTorch's default init (see the class comment). */
  resetParameters(generator?: Generator): void {
    resetWeightAndBias('Conv2d', this.weight, this.bias, generator ?? generatorFrom('Conv2d'));
  }

  override forward(x: Tensor): Tensor {
    return conv2dAt('Conv2d.forward', x, this.weight, { bias: this.bias, stride: this.stride, padding: this.padding });
  }

  /** As PyTorch's: padding shown when non-zero, bias only when absent. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${formatPair(this.kernelSize)}, stride=${formatPair(this.stride)}`;
    if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${formatPair(this.padding)}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
