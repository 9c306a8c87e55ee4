// Activation modules: thin wrappers over nn.functional.
import { Tensor } from '../tensor';
import { Module } from './module';
import * as F from './functional/activation';
import { checkChoice, checkInt, checkNumber, checkOptions, typeErrorText } from '../errors';
import { expectArity } from '../options';

/**
 * Rejects any argument to an activation that takes none: PyTorch's ReLU(inplace=True) and
 * SELU(inplace=True) would otherwise lose their argument silently. kiln has no in-place
 * activations, so the advice is to drop it.
 */
function expectNoArguments(where: string, args: IArguments, torchInplace: boolean): void {
  const first: unknown = args[0];
  if (torchInplace && args.length === 1 && (typeof first === 'boolean' || (first !== null && typeof first === 'object' && 'inplace' in first))) {
    throw typeErrorText(where, 'at most 0 arguments', 'arguments', "1 (PyTorch's 1st argument is inplace: kiln has no in-place activations, so leave it out)");
  }
  expectArity(where, args, 0);
}

/** max(0, x). */
export class ReLU extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('ReLU', arguments, true);
  }
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/** x for x >= 0, negativeSlope * x otherwise. @param opts `{ negativeSlope = 0.01 }` */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(opts: { negativeSlope?: number } = {}) {
    super();
    expectArity('LeakyReLU', arguments, 0, true);
    this.negativeSlope = checkNumber('LeakyReLU', 'negativeSlope', checkOptions('LeakyReLU', opts, ['negativeSlope']).negativeSlope ?? 0.01);
  }
  override forward(x: Tensor): Tensor {
    return F.leakyRelu(x, { negativeSlope: this.negativeSlope });
  }
  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/** 1 / (1 + exp(-x)). */
export class Sigmoid extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('Sigmoid', arguments, false);
  }
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

/** tanh(x). */
export class Tanh extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('Tanh', arguments, false);
  }
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/** GELU, exact (erf) or tanh-approximated. @param opts `{ approximate = 'none' }` */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(opts: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    expectArity('GELU', arguments, 0, true);
    this.approximate = checkChoice('GELU', 'approximate', checkOptions('GELU', opts, ['approximate']).approximate ?? 'none', ['none', 'tanh'] as const);
  }
  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** SELU (Klambauer et al. 2017). */
export class SELU extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('SELU', arguments, true);
  }
  override forward(x: Tensor): Tensor {
    return F.selu(x);
  }
}

/** softmax along dim. @throws TypeError/RangeError when dim is not an integer. */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
    expectArity('Softmax', arguments, 1);
    checkInt('Softmax', 'dim', dim, -64, 64);
  }
  override forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * log(softmax(x)) along dim, computed stably as x - logsumexp(x), as torch.nn.LogSoftmax.
 * @param dim the dimension to normalise (negative counts from the end)
 * @throws TypeError/RangeError when dim is not an integer.
 * @example const logProbs = new nn.LogSoftmax(1).forward(logits);
 */
export class LogSoftmax extends Module {
  /** The dimension normalised over. */
  readonly dim: number;
  constructor(dim: number) {
    super();
    expectArity('LogSoftmax', arguments, 1);
    this.dim = checkInt('LogSoftmax', 'dim', dim, -64, 64);
  }
  /** log-probabilities of the input's shape. */
  override forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
