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

/**
 * The rectified linear unit, elementwise: ReLU(x) = max(0, x) (Nair & Hinton 2010). Its
 * gradient is 1 for x > 0 and 0 otherwise (0 at x = 0, as PyTorch). Layers before it are
 * best initialised with Kaiming's gain sqrt(2) (`kiln.nn.init.kaimingNormal`).
 * @example const net = new kiln.nn.Sequential(new kiln.nn.Linear(784, 128), new kiln.nn.ReLU());
 */
export class ReLU extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('ReLU', arguments, true);
  }

  /**
   * Applies max(0, x) to every element; any shape, the output has x's.
   * @throws {TypeError} when x is not a Tensor.
   * @example new kiln.nn.ReLU().forward(kiln.tensor([-1, 2])); // [0, 2]
   */
  override forward(x: Tensor): Tensor {
    return F.relu(x);
  }
}

/**
 * The leaky ReLU, elementwise: x for x >= 0, negativeSlope * x otherwise (Maas et al. 2013).
 * @param opts `{ negativeSlope = 0.01 }`: the slope for negative inputs, any finite number.
 * @throws {TypeError} when opts is not an object or names an unknown option, or negativeSlope
 *   is not a number.
 * @throws {RangeError} when negativeSlope is NaN or infinite.
 * @example const act = new kiln.nn.LeakyReLU({ negativeSlope: 0.2 });
 */
export class LeakyReLU extends Module {
  /** The slope for x < 0. @defaultValue 0.01 */
  readonly negativeSlope: number;
  constructor(opts: { negativeSlope?: number } = {}) {
    super();
    expectArity('LeakyReLU', arguments, 0, true);
    this.negativeSlope = checkNumber('LeakyReLU', 'negativeSlope', checkOptions('LeakyReLU', opts, ['negativeSlope']).negativeSlope ?? 0.01);
  }
  /**
   * Applies the leaky ReLU to every element; any shape.
   * @throws {TypeError} when x is not a Tensor.
   * @example new kiln.nn.LeakyReLU().forward(kiln.tensor([-1, 2])); // [-0.01, 2]
   */
  override forward(x: Tensor): Tensor {
    return F.leakyRelu(x, { negativeSlope: this.negativeSlope });
  }
  override extraRepr(): string {
    return `negative_slope=${this.negativeSlope}`;
  }
}

/**
 * The logistic sigmoid, elementwise: sigmoid(x) = 1 / (1 + exp(-x)), in (0, 1); its gradient
 * is y (1 - y). For a binary classifier's loss, prefer BCEWithLogitsLoss on the logits.
 * @example const gate = new kiln.nn.Sigmoid().forward(logits);
 */
export class Sigmoid extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('Sigmoid', arguments, false);
  }

  /**
   * Applies 1 / (1 + exp(-x)) to every element; any shape.
   * @throws {TypeError} when x is not a Tensor.
   * @example new kiln.nn.Sigmoid().forward(kiln.tensor([0])); // [0.5]
   */
  override forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

/**
 * The hyperbolic tangent, elementwise: tanh(x) = (e^x - e^-x) / (e^x + e^-x), in (-1, 1); its
 * gradient is 1 - y^2. Xavier initialisation (Glorot & Bengio 2010) suits layers before it.
 * @example const net = new kiln.nn.Sequential(new kiln.nn.Linear(16, 16), new kiln.nn.Tanh());
 */
export class Tanh extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('Tanh', arguments, false);
  }

  /**
   * Applies tanh to every element; any shape.
   * @throws {TypeError} when x is not a Tensor.
   * @example new kiln.nn.Tanh().forward(kiln.tensor([0, 100])); // [0, 1]
   */
  override forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

/**
 * The Gaussian error linear unit, elementwise (Hendrycks & Gimpel 2016): GELU(x) = x * Phi(x),
 * Phi the standard normal CDF, 0.5 (1 + erf(x / sqrt(2))); with approximate 'tanh',
 * 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))), as GPT-2 and BERT use.
 * @param opts `{ approximate = 'none' }`: 'none' (exact, erf) or 'tanh'.
 * @throws {TypeError} when opts is not an object or names an unknown option, or approximate is
 *   not a string.
 * @throws {RangeError} when approximate is a string other than 'none' or 'tanh'.
 * @example const mlp = new kiln.nn.Sequential(new kiln.nn.Linear(768, 3072), new kiln.nn.GELU({ approximate: 'tanh' }));
 */
export class GELU extends Module {
  /** 'none' for the exact erf form, 'tanh' for the tanh approximation. @defaultValue 'none' */
  readonly approximate: 'none' | 'tanh';
  constructor(opts: { approximate?: 'none' | 'tanh' } = {}) {
    super();
    expectArity('GELU', arguments, 0, true);
    this.approximate = checkChoice('GELU', 'approximate', checkOptions('GELU', opts, ['approximate']).approximate ?? 'none', ['none', 'tanh'] as const);
  }
  /**
   * Applies GELU to every element; any shape.
   * @throws {TypeError} when x is not a Tensor.
   * @example new kiln.nn.GELU().forward(kiln.tensor([1])); // [0.8413]
   */
  override forward(x: Tensor): Tensor {
    return F.gelu(x, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * The scaled exponential linear unit, elementwise (Klambauer et al. 2017, self-normalising
 * networks): SELU(x) = scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), with
 * alpha = 1.6732632423543772 and scale = 1.0507009873554805. Pair it with LeCun-normal
 * initialisation (`kiln.nn.init.kaimingNormal(w, { nonlinearity: 'linear' })`).
 * @example const net = new kiln.nn.Sequential(new kiln.nn.Linear(64, 64), new kiln.nn.SELU());
 */
export class SELU extends Module {
  constructor() {
    super();
    if (arguments.length > 0) expectNoArguments('SELU', arguments, true);
  }

  /**
   * Applies SELU to every element; any shape.
   * @throws {TypeError} when x is not a Tensor.
   * @example new kiln.nn.SELU().forward(kiln.tensor([1])); // [1.0507]
   */
  override forward(x: Tensor): Tensor {
    return F.selu(x);
  }
}

/**
 * Softmax along one dimension: softmax(x)_i = exp(x_i) / sum_j exp(x_j), computed stably by
 * subtracting the maximum first; every slice along dim sums to 1. For a classifier's loss,
 * give the logits to CrossEntropyLoss instead, which applies log-softmax itself.
 * @param dim the dimension to normalise over; negative counts from the end. Required, as
 *   PyTorch's implicit-dim form is deprecated.
 * @throws {TypeError} when dim is not a number.
 * @throws {RangeError} when dim is not an integer in [-64, 64].
 * @example const probs = new kiln.nn.Softmax(-1).forward(logits);
 */
export class Softmax extends Module {
  /** @param dim the dimension the softmax normalises over; negative counts from the end. */
  constructor(readonly dim: number) {
    super();
    expectArity('Softmax', arguments, 1);
    checkInt('Softmax', 'dim', dim, -64, 64);
  }
  /**
   * Softmax of x along dim; the output has x's shape.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x has no dimension dim.
   * @example new kiln.nn.Softmax(0).forward(kiln.tensor([0, 0])); // [0.5, 0.5]
   */
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
