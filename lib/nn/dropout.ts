// torch.nn.Dropout.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Generator, generatorFrom } from '../random';
import { checkOptions } from '../errors';
import { expectArity } from '../options';
import { dropoutAt, dropout1dAt, dropout2dAt, checkDropoutP } from './functional/dropout';

/**
 * Dropout, as torch.nn.Dropout (Srivastava et al. 2014, "Dropout: A Simple Way to Prevent
 * Neural Networks from Overfitting"): in training, y = x * m / (1 - p) with m ~ Bernoulli(1 - p)
 * per element, so the expected output is x; the identity in eval mode. p = 1 gives zeros, as
 * PyTorch.
 * @param p [0.5] the drop probability, in [0, 1].
 * @param opts `{ generator = the default generator }`: the stream masks are drawn from.
 * @throws {TypeError} when p is not a number, generator is not a Generator, opts is not an
 *   object, or an option name is unknown.
 * @throws {RangeError} when p is outside [0, 1] (`Dropout: expected a number in [0, 1] for p, got 1.5`).
 * @example const net = new kiln.nn.Sequential(new kiln.nn.Linear(784, 256), new kiln.nn.ReLU(), new kiln.nn.Dropout(0.2));
 */
export class Dropout extends Module {
  /** The drop probability, in [0, 1]. @defaultValue 0.5 */
  readonly p: number;
  /** The stream masks are drawn from; undefined for the default generator. */
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    expectArity('Dropout', arguments, 1, true);
    this.p = checkDropoutP('Dropout', p);
    const o = checkOptions('Dropout', opts, ['generator']);
    if (o.generator !== undefined) generatorFrom('Dropout', o);
    this.generator = o.generator;
  }

  /**
   * In training, zeroes each element of x with probability p and scales the rest by 1/(1-p);
   * in evaluation, returns x. Any shape.
   * @throws {TypeError} when x is not a Tensor.
   * @example const y = new kiln.nn.Dropout(0.5).forward(kiln.ones([4])); // e.g. [2, 0, 2, 0]
   */
  override forward(x: Tensor): Tensor {
    return dropoutAt('Dropout.forward', x, { p: this.p, training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/**
 * Channel dropout for sequences, as torch.nn.Dropout1d (Tompson et al. 2015, "Efficient Object
 * Localization Using Convolutional Networks"): in training, zeroes whole channels of (N, C, L)
 * or (C, L) input with probability p and scales the rest by 1/(1-p); the identity in eval mode.
 * @param p [0.5] the probability that a channel is zeroed, in [0, 1].
 * @param opts `{ generator = the default generator }`: the stream masks are drawn from.
 * @throws {TypeError} when p is not a number, generator is not a Generator, opts is not an
 *   object, or an option name is unknown.
 * @throws {RangeError} when p is outside [0, 1].
 * @example const drop = new kiln.nn.Dropout1d(0.1); const y = drop.forward(kiln.randn([8, 16, 100]));
 */
export class Dropout1d extends Module {
  /** The drop probability, in [0, 1]. @defaultValue 0.5 */
  readonly p: number;
  /** The stream masks are drawn from; undefined for the default generator. */
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    expectArity('Dropout1d', arguments, 1, true);
    this.p = checkDropoutP('Dropout1d', p);
    const o = checkOptions('Dropout1d', opts, ['generator']);
    if (o.generator !== undefined) generatorFrom('Dropout1d', o);
    this.generator = o.generator;
  }

  /**
   * In training, zeroes each channel (a whole row of L values) with probability p and scales
   * the rest by 1/(1-p); in evaluation, returns x.
   * @param x (N, C, L) or (C, L).
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 2-D or 3-D.
   * @example new kiln.nn.Dropout1d(0.5).forward(kiln.ones([1, 4, 3])); // rows all 0 or all 2
   */
  override forward(x: Tensor): Tensor {
    return dropout1dAt('Dropout1d.forward', x, { p: this.p, training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/**
 * Channel dropout for images, as torch.nn.Dropout2d (Tompson et al. 2015): in training, zeroes
 * whole feature maps of (N, C, H, W) input with probability p and scales the rest by 1/(1-p);
 * the identity in eval mode. A 3-D input is read as (N, C, L) with PyTorch 1.13's warning, as
 * PyTorch does.
 * @param p [0.5] the probability that a channel is zeroed, in [0, 1].
 * @param opts `{ generator = the default generator }`: the stream masks are drawn from.
 * @throws {TypeError} when p is not a number, generator is not a Generator, opts is not an
 *   object, or an option name is unknown.
 * @throws {RangeError} when p is outside [0, 1].
 * @example const net = new kiln.nn.Sequential(new kiln.nn.Conv2d(3, 16, 3), new kiln.nn.Dropout2d(0.1));
 */
export class Dropout2d extends Module {
  /** The drop probability, in [0, 1]. @defaultValue 0.5 */
  readonly p: number;
  /** The stream masks are drawn from; undefined for the default generator. */
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    expectArity('Dropout2d', arguments, 1, true);
    this.p = checkDropoutP('Dropout2d', p);
    const o = checkOptions('Dropout2d', opts, ['generator']);
    if (o.generator !== undefined) generatorFrom('Dropout2d', o);
    this.generator = o.generator;
  }

  /**
   * In training, zeroes each feature map (a whole H x W plane) with probability p and scales
   * the rest by 1/(1-p); in evaluation, returns x.
   * @param x (N, C, H, W), or 3-D read as (N, C, L) with a warning.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x is not 3-D or 4-D.
   * @example new kiln.nn.Dropout2d(0.1).forward(kiln.randn([8, 16, 32, 32]));
   */
  override forward(x: Tensor): Tensor {
    return dropout2dAt('Dropout2d.forward', x, { p: this.p, training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
