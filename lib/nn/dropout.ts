// torch.nn.Dropout.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Generator, generatorFrom } from '../random';
import { checkOptions } from '../errors';
import { expectArity } from '../options';
import { dropoutAt, dropout1dAt, dropout2dAt, checkDropoutP } from './functional/dropout';

/**
 * Zeroes each element with probability p in training and scales the rest by 1/(1-p)
 * (Srivastava et al. 2014); the identity in eval mode. p = 1 gives zeros, as PyTorch.
 * @param p [0.5] the drop probability, in [0, 1].
 * @param opts `{ generator? }`: the stream masks are drawn from [the default generator].
 * @throws TypeError for a non-number p; RangeError for p outside [0, 1]
 *   (`Dropout: expected a number in [0, 1] for p, got 1.5`).
 * @example const net = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Dropout(0.2));
 */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    expectArity('Dropout', arguments, 1, true);
    this.p = checkDropoutP('Dropout', p);
    const o = checkOptions('Dropout', opts, ['generator']);
    if (o.generator !== undefined) generatorFrom('Dropout', o);
    this.generator = o.generator;
  }

  override forward(x: Tensor): Tensor {
    return dropoutAt('Dropout.forward', x, { p: this.p, training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/**
 * Zeroes whole channels of (N, C, L) or (C, L) input with probability p in training and
 * scales the rest by 1/(1-p), as torch.nn.Dropout1d (Tompson et al. 2015); the identity in
 * eval mode.
 * @param p [0.5] the probability that a channel is zeroed, in [0, 1].
 * @param opts `{ generator? }`: the stream masks are drawn from [the default generator].
 * @throws TypeError for a non-number p; RangeError for p outside [0, 1]; forward throws
 *   RangeError for an input that is not 2-D or 3-D.
 * @example const net = new nn.Sequential(new nn.Linear(16, 16), new nn.Dropout1d(0.1));
 */
export class Dropout1d extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    expectArity('Dropout1d', arguments, 1, true);
    this.p = checkDropoutP('Dropout1d', p);
    const o = checkOptions('Dropout1d', opts, ['generator']);
    if (o.generator !== undefined) generatorFrom('Dropout1d', o);
    this.generator = o.generator;
  }

  override forward(x: Tensor): Tensor {
    return dropout1dAt('Dropout1d.forward', x, { p: this.p, training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/**
 * Zeroes whole feature maps of (N, C, H, W) input with probability p in training and scales
 * the rest by 1/(1-p), as torch.nn.Dropout2d (Tompson et al. 2015); the identity in eval mode.
 * A 3-D input is read as (N, C, L) with PyTorch 1.13's warning, as PyTorch does.
 * @param p [0.5] the probability that a channel is zeroed, in [0, 1].
 * @param opts `{ generator? }`: the stream masks are drawn from [the default generator].
 * @throws TypeError for a non-number p; RangeError for p outside [0, 1]; forward throws
 *   RangeError for an input that is not 3-D or 4-D.
 * @example const net = new nn.Sequential(new nn.Conv2d(3, 16, 3), new nn.Dropout2d(0.1));
 */
export class Dropout2d extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    expectArity('Dropout2d', arguments, 1, true);
    this.p = checkDropoutP('Dropout2d', p);
    const o = checkOptions('Dropout2d', opts, ['generator']);
    if (o.generator !== undefined) generatorFrom('Dropout2d', o);
    this.generator = o.generator;
  }

  override forward(x: Tensor): Tensor {
    return dropout2dAt('Dropout2d.forward', x, { p: this.p, training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
