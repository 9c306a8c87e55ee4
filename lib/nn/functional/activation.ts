// Activation functions and their derivatives.
import { Tensor, checkTensor } from '../../tensor';
import { checkChoice, checkNumber, checkOptions } from '../../errors';
import * as unary from '../../ops/unary';
import * as reduce from '../../ops/reduce';
import { expectArity } from '../../options';

/**
 * The rectified linear unit, relu(x) = max(0, x) elementwise, as torch.nn.functional.relu
 * (Nair & Hinton 2010). The gradient is 1 where x > 0 and 0 elsewhere (0 at x = 0, as PyTorch).
 * NaN propagates. kiln has no in-place form: PyTorch's `inplace` argument is rejected.
 * @param x the input, any shape.
 * @returns a new tensor of x's shape.
 * @throws TypeError when x is not a Tensor, or for a surplus argument such as `inplace`.
 * @example const h = F.relu(F.linear(x, w));
 */
export function relu(x: Tensor): Tensor {
  if (arguments.length > 1) expectArity('relu', arguments, 1);
  checkTensor('relu', 'input', x);
  return unary.relu(x);
}

/**
 * The logistic sigmoid, sigmoid(x) = 1 / (1 + exp(-x)) elementwise, as torch.sigmoid; its
 * gradient is sigmoid(x) * (1 - sigmoid(x)).
 * @param x the input, any shape.
 * @returns a new tensor of x's shape, in (0, 1) (exactly 0 or 1 where float32 rounds).
 * @throws TypeError when x is not a Tensor, or for a surplus argument.
 * @example const p = F.sigmoid(logits);
 */
export function sigmoid(x: Tensor): Tensor {
  if (arguments.length > 1) expectArity('sigmoid', arguments, 1);
  checkTensor('sigmoid', 'input', x);
  return unary.sigmoid(x);
}

/**
 * The hyperbolic tangent, tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x)) elementwise, as
 * torch.tanh; its gradient is 1 - tanh(x)^2.
 * @param x the input, any shape.
 * @returns a new tensor of x's shape, in [-1, 1].
 * @throws TypeError when x is not a Tensor, or for a surplus argument.
 * @example const h = F.tanh(F.linear(x, w));
 */
export function tanh(x: Tensor): Tensor {
  if (arguments.length > 1) expectArity('tanh', arguments, 1);
  checkTensor('tanh', 'input', x);
  return unary.tanh(x);
}

/** Options of {@link leakyRelu}. */
export interface LeakyReluOptions {
  /** [0.01] the slope for negative inputs: y = negativeSlope * x where x < 0. */
  negativeSlope?: number;
}

/**
 * The leaky rectifier (Maas, Hannun & Ng 2013), as torch.nn.functional.leaky_relu:
 * y = x where x > 0, negativeSlope * x otherwise; the gradient is 1 or negativeSlope.
 * @param x the input, any shape.
 * @param opts `{ negativeSlope = 0.01 }`
 * @returns a new tensor of x's shape.
 * @throws TypeError when x is not a Tensor, for options that are not an object, an unknown
 *   option, a non-number negativeSlope, or a surplus argument (PyTorch's positional
 *   `F.leaky_relu(x, 0.2)` is `F.leakyRelu(x, { negativeSlope: 0.2 })` here).
 * @example const h = F.leakyRelu(x, { negativeSlope: 0.2 });
 */
export function leakyRelu(x: Tensor, opts: LeakyReluOptions = {}): Tensor {
  if (arguments.length > 1) expectArity('leakyRelu', arguments, 1, true);
  const o = checkOptions('leakyRelu', opts, ['negativeSlope']);
  const a = checkNumber('leakyRelu', 'negativeSlope', o.negativeSlope ?? 0.01);
  return unary.unaryOp('leakyRelu', x, (v) => (v > 0 ? v : a * v), (v, _y, g) => g * (v > 0 ? 1 : a), 'leakyRelu');
}

/** SELU's alpha, from Klambauer et al. 2017, "Self-Normalizing Neural Networks". */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
/** SELU's scale (lambda), from Klambauer et al. 2017. */
export const SELU_SCALE = 1.0507009873554804934193349852946;

/**
 * The scaled exponential linear unit (Klambauer et al. 2017, "Self-Normalizing Neural
 * Networks"), as torch.nn.functional.selu:
 * selu(x) = scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), with alpha ~ 1.6733 and
 * scale ~ 1.0507 chosen so that activations keep mean 0 and variance 1.
 * @param x the input, any shape.
 * @returns a new tensor of x's shape.
 * @throws TypeError when x is not a Tensor, or for a surplus argument such as `inplace`.
 * @example const h = F.selu(F.linear(x, w)); // with nn.init.kaimingNormal(w, { nonlinearity: 'linear' })
 */
export function selu(x: Tensor): Tensor {
  if (arguments.length > 1) expectArity('selu', arguments, 1);
  return unary.unaryOp(
    'selu',
    x,
    (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)),
    (v, _y, g) => g * (SELU_SCALE * (v > 0 ? 1 : SELU_ALPHA * Math.exp(v))),
    'selu',
  );
}

/**
 * erf(x) to within ~1e-7 relative error everywhere (Numerical Recipes' erfc Chebyshev fit),
 * enough for float32; JavaScript has no Math.erf.
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** ['none'] 'none' for the exact erf form, 'tanh' for the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/**
 * The Gaussian error linear unit (Hendrycks & Gimpel 2016, "Gaussian Error Linear Units"),
 * as torch.nn.functional.gelu: gelu(x) = x * Phi(x), Phi the standard normal CDF,
 * = 0.5 x (1 + erf(x / sqrt(2))); or, with approximate 'tanh',
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 * @param x the input, any shape.
 * @param opts `{ approximate = 'none' }`: 'none' or 'tanh'.
 * @returns a new tensor of x's shape.
 * @throws TypeError when x is not a Tensor, for options that are not an object, an unknown
 *   option or a surplus argument; RangeError for an approximate other than 'none' or 'tanh'.
 * @example const h = F.gelu(x, { approximate: 'tanh' }); // GPT-2's form
 */
export function gelu(x: Tensor, opts: GeluOptions = {}): Tensor {
  if (arguments.length > 1) expectArity('gelu', arguments, 1, true);
  const o = checkOptions('gelu', opts, ['approximate']);
  const approximate = checkChoice('gelu', 'approximate', o.approximate ?? 'none', ['none', 'tanh'] as const);
  if (approximate === 'tanh') {
    return unary.unaryOp(
      'gelu',
      x,
      (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))),
      (v, _y, g) => {
        const u = SQRT_2_OVER_PI * (v + 0.044715 * v * v * v);
        const th = Math.tanh(u);
        return g * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v));
      },
      'gelu',
    );
  }
  return unary.unaryOp(
    'gelu',
    x,
    (v) => 0.5 * v * (1 + erf(v * INV_SQRT_2)),
    (v, _y, g) => g * (0.5 * (1 + erf(v * INV_SQRT_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v)),
    'gelu',
  );
}

/**
 * Softmax along `dim`, as torch.softmax: y_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x)),
 * the maximum subtracted for stability, so each slice along dim sums to 1.
 * @param x the input, any shape with at least one dimension.
 * @param dim the dimension to normalise; negative counts from the end.
 * @returns a new tensor of x's shape.
 * @throws TypeError when x is not a Tensor, dim is not a number, or for a surplus argument;
 *   RangeError when dim is not an integer in [-ndim, ndim).
 * @example const probs = F.softmax(logits, -1);
 */
export function softmax(x: Tensor, dim: number): Tensor {
  if (arguments.length > 2) expectArity('softmax', arguments, 2);
  checkTensor('softmax', 'input', x);
  return reduce.softmax(x, dim);
}

/**
 * log(softmax(x)) along `dim`, as torch.log_softmax, computed stably as
 * x_i - max(x) - log(sum_j exp(x_j - max(x))), finite even where softmax underflows to 0.
 * @param x the input, any shape with at least one dimension.
 * @param dim the dimension to normalise; negative counts from the end.
 * @returns a new tensor of x's shape.
 * @throws TypeError when x is not a Tensor, dim is not a number, or for a surplus argument;
 *   RangeError when dim is not an integer in [-ndim, ndim).
 * @example const logp = F.logSoftmax(logits, 1);
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  if (arguments.length > 2) expectArity('logSoftmax', arguments, 2);
  checkTensor('logSoftmax', 'input', x);
  return reduce.logSoftmax(x, dim);
}
