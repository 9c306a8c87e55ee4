// torch.nn.Dropout.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Generator, generatorFrom } from '../random';
import { checkOptions } from '../errors';
import { expectArity } from '../options';
import { dropout, checkDropoutP } from './functional/dropout';

/**
 * Zeroes each element with probability p in training and scales the rest by 1/(1-p)
 * (Srivastava et al. 2014); the identity in eval mode. p = 1 gives zeros, as PyTorch.
 * @param p [0.5] the drop probability, in [0, 1].
 * @param opts `{ generator? }`: the stream masks are drawn from [the default generator].
 * @throws TypeError for a non-number p; RangeError for p outside [0, 1]
 *   (`Dropout: expected p in [0, 1], got 1.5`).
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
    return dropout(x, { p: this.p, training: this.training, generator: this.generator }, 'Dropout.forward');
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
