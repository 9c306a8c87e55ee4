// torch.nn.Conv1d, MaxPool1d and AvgPool1d over (N, C, L) sequences.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { SingleLike, avgPool1dAt, conv1dAt, maxPool1dAt, pool1dWindow, toSingle } from './functional/conv1d';
import { MAX_PADDING } from './functional/window';
import { checkBoolean, checkInt, checkOptions, shapeError } from '../errors';
import { expectArity } from '../options';
import { Generator, generatorFrom } from '../random';
import { resetWeightAndBias } from './init/layer';

/** Options of `nn.Conv1d`. */
export interface Conv1dModuleOptions {
  /** [1] a number or a one-element array. */
  stride?: SingleLike;
  /** [0] zero padding on each side. */
  padding?: SingleLike;
  /** [true] whether to learn an additive bias. */
  bias?: boolean;
  /** [the default generator] the random stream of the initial weights. */
  generator?: Generator;
}

/**
 * 1-D convolution over (N, C, L) or unbatched (C, L) inputs (see F.conv1d for the formula).
 * weight: (outChannels, inChannels, kernelSize), bias: (outChannels); keys `weight`, `bias`.
 * Initialised as PyTorch's: kaimingUniform with a = sqrt(5) for the weight, i.e.
 * U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = inChannels * kernelSize, and the same bound for the bias.
 * @param inChannels C of the input
 * @param outChannels channels of the output
 * @param kernelSize a number or a one-element array
 * @param opts `{ stride = 1, padding = 0, bias = true, generator? }`
 * @throws TypeError / RangeError for non-integer or out-of-range sizes; forward throws a
 *   RangeError naming both shapes when the input has the wrong number of channels.
 * @example const conv = new nn.Conv1d(16, 32, 3, { padding: 1 }); conv.forward(x); // (N, 16, L) -> (N, 32, L)
 */
export class Conv1d extends Module {
  /** C of the input. */
  readonly inChannels: number;
  /** Channels of the output. */
  readonly outChannels: number;
  /** The kernel's length. */
  readonly kernelSize: number;
  /** The step between windows. */
  readonly stride: number;
  /** Zero padding on each side. */
  readonly padding: number;
  /** (outChannels, inChannels, kernelSize). */
  weight: Parameter;
  /** (outChannels), or null. */
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: SingleLike, opts: Conv1dModuleOptions = {}) {
    super();
    const where = 'Conv1d';
    expectArity(where, arguments, 3, true, ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', undefined, undefined, 'bias']);
    const o = checkOptions(where, opts, ['stride', 'padding', 'bias', 'generator']);
    this.inChannels = checkInt(where, 'inChannels', inChannels, 1, 2 ** 31 - 1);
    this.outChannels = checkInt(where, 'outChannels', outChannels, 1, 2 ** 31 - 1);
    this.kernelSize = toSingle(where, 'kernelSize', kernelSize, 1);
    this.stride = toSingle(where, 'stride', o.stride ?? 1, 1);
    this.padding = toSingle(where, 'padding', o.padding ?? 0, 0, MAX_PADDING);
    const useBias = checkBoolean(where, 'bias', o.bias ?? true);
    const K = this.kernelSize;
    const count = outChannels * inChannels * K;
    if (count > 2 ** 31 - 1) throw shapeError(where, 'a weight of at most 2^31-1 elements', '(outChannels, inChannels, kernelSize)', [outChannels, inChannels, K]);
    this.weight = new Parameter(new Float32Array(count), [outChannels, inChannels, K]);
    this.bias = useBias ? new Parameter(new Float32Array(outChannels), [outChannels]) : null;
    this.resetParameters(generatorFrom(where, o));
  }

  /**
   * Re-initialises weight and bias with PyTorch's default init (see the class comment): both
   * uniform in +-1/sqrt(inChannels * kernelSize).
   * @param generator [the default generator] the random stream to draw from.
   * @throws {TypeError} when generator is given and is not a Generator.
   * @example conv.resetParameters(new kiln.Generator(0)); // reproducible weights
   */
  resetParameters(generator?: Generator): void {
    resetWeightAndBias('Conv1d', this.weight, this.bias, generator ?? generatorFrom('Conv1d'));
  }

  /**
   * Convolves (see F.conv1d): the output length is floor((L + 2 padding - kernelSize) / stride) + 1.
   * @param x (N, inChannels, L) or (inChannels, L)
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} naming both shapes when x is not 2-D or 3-D or has other than inChannels channels, or when the kernel is longer than the padded input.
   * @example new kiln.nn.Conv1d(3, 8, 5).forward(kiln.randn([2, 3, 32])).shape; // [2, 8, 28]
   */
  override forward(x: Tensor): Tensor {
    return conv1dAt('Conv1d.forward', x, this.weight, { bias: this.bias, stride: this.stride, padding: this.padding });
  }

  /**
   * As PyTorch's: `16, 32, kernel_size=(3,), stride=(1,)`, padding when non-zero, bias only when absent.
   * @example new kiln.nn.Conv1d(16, 32, 3, { padding: 1, bias: false }).extraRepr(); // '16, 32, kernel_size=(3,), stride=(1,), padding=(1,), bias=False'
   */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize},), stride=(${this.stride},)`;
    if (this.padding !== 0) s += `, padding=(${this.padding},)`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/**
 * 1-D max pooling over (N, C, L) or (C, L) inputs (see F.maxPool1d).
 * @param kernelSize a number or a one-element array
 * @param opts `{ stride = kernelSize, padding = 0 }` (padding at most half the kernel)
 * @throws TypeError / RangeError for bad sizes, naming the argument.
 * @example const pool = new nn.MaxPool1d(2); pool.forward(x); // (N, C, L/2)
 */
export class MaxPool1d extends Module {
  /** The window's length. */
  readonly kernelSize: number;
  /** The step between windows. */
  readonly stride: number;
  /** Implicit -inf padding on each side. */
  readonly padding: number;

  constructor(kernelSize: SingleLike, opts: { stride?: SingleLike | null; padding?: SingleLike } = {}) {
    super();
    expectArity('MaxPool1d', arguments, 1, true, ['kernelSize', 'stride', 'padding']);
    const w = pool1dWindow('MaxPool1d', kernelSize, checkOptions('MaxPool1d', opts, ['stride', 'padding']));
    [this.kernelSize, this.stride, this.padding] = [w.kernel, w.stride, w.padding];
  }

  /**
   * Pools (see F.maxPool1d): the maximum of each window.
   * @param x (N, C, L) or (C, L)
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 2-D or 3-D, or the window is longer than the padded input.
   * @example new kiln.nn.MaxPool1d(2).forward(kiln.tensor([[1, 3, 2, 0]])); // [[3, 2]]
   */
  override forward(x: Tensor): Tensor {
    return maxPool1dAt('MaxPool1d.forward', x, this.kernelSize, { stride: this.stride, padding: this.padding });
  }

  /**
   * As PyTorch's: kernel_size, stride, padding, dilation=1, ceil_mode=False.
   * @example new kiln.nn.MaxPool1d(2).extraRepr(); // 'kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False'
   */
  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=1, ceil_mode=False`;
  }
}

/**
 * 1-D average pooling over (N, C, L) or (C, L) inputs (see F.avgPool1d).
 * @param kernelSize a number or a one-element array
 * @param opts `{ stride = kernelSize, padding = 0, countIncludePad = true }`
 * @throws TypeError / RangeError for bad sizes, naming the argument.
 * @example const pool = new nn.AvgPool1d(3, { stride: 1, padding: 1 }); pool.forward(x);
 */
export class AvgPool1d extends Module {
  /** The window's length. */
  readonly kernelSize: number;
  /** The step between windows. */
  readonly stride: number;
  /** Implicit zero padding on each side. */
  readonly padding: number;
  /** Whether padded zeros count in the divisor. */
  readonly countIncludePad: boolean;

  constructor(kernelSize: SingleLike, opts: { stride?: SingleLike | null; padding?: SingleLike; countIncludePad?: boolean } = {}) {
    super();
    expectArity('AvgPool1d', arguments, 1, true, ['kernelSize', 'stride', 'padding', undefined, 'countIncludePad']);
    const o = checkOptions('AvgPool1d', opts, ['stride', 'padding', 'countIncludePad']);
    const w = pool1dWindow('AvgPool1d', kernelSize, o);
    [this.kernelSize, this.stride, this.padding] = [w.kernel, w.stride, w.padding];
    this.countIncludePad = checkBoolean('AvgPool1d', 'countIncludePad', o.countIncludePad ?? true);
  }

  /**
   * Pools (see F.avgPool1d): the mean of each window.
   * @param x (N, C, L) or (C, L)
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 2-D or 3-D, or the window is longer than the padded input.
   * @example new kiln.nn.AvgPool1d(2).forward(kiln.tensor([[1, 3, 2, 0]])); // [[2, 1]]
   */
  override forward(x: Tensor): Tensor {
    return avgPool1dAt('AvgPool1d.forward', x, this.kernelSize, { stride: this.stride, padding: this.padding, countIncludePad: this.countIncludePad });
  }

  /**
   * As PyTorch's: `kernel_size=(3,), stride=(1,), padding=(1,)`.
   * @example new kiln.nn.AvgPool1d(3, { stride: 1, padding: 1 }).extraRepr(); // 'kernel_size=(3,), stride=(1,), padding=(1,)'
   */
  override extraRepr(): string {
    return `kernel_size=(${this.kernelSize},), stride=(${this.stride},), padding=(${this.padding},)`;
  }
}
