// Activation functions and their derivatives.
import { Tensor, checkTensor } from '../../tensor';
import { checkChoice, checkNumber, checkOptions } from '../../errors';
import * as unary from '../../ops/unary';
import * as reduce from '../../ops/reduce';

/** max(0, x). @example F.relu(x) */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', 'input', x);
  return unary.relu(x);
}

/** 1 / (1 + exp(-x)). */
export function sigmoid(x: Tensor): Tensor {
  checkTensor('sigmoid', 'input', x);
  return unary.sigmoid(x);
}

/** tanh(x). */
export function tanh(x: Tensor): Tensor {
  checkTensor('tanh', 'input', x);
  return unary.tanh(x);
}

/** x for x >= 0, negativeSlope * x otherwise. @param opts `{ negativeSlope = 0.01 }` */
export function leakyRelu(x: Tensor, opts: { negativeSlope?: number } = {}): Tensor {
  const o = checkOptions('leakyRelu', opts, ['negativeSlope']);
  const a = checkNumber('leakyRelu', 'negativeSlope', o.negativeSlope ?? 0.01);
  return unary.unaryOp('leakyRelu', x, (v) => (v > 0 ? v : a * v), (v, _y, g) => g * (v > 0 ? 1 : a), 'leakyRelu');
}

// SELU constants from Klambauer et al. 2017, "Self-Normalizing Neural Networks".
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), Klambauer et al. 2017. */
export function selu(x: Tensor): Tensor {
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

/**
 * GELU (Hendrycks & Gimpel 2016): x * Phi(x) with the exact erf form, or the tanh
 * approximation 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))).
 * @param opts `{ approximate = 'none' }`: 'none' or 'tanh'.
 */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
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

/** softmax along dim. */
export function softmax(x: Tensor, dim: number): Tensor {
  checkTensor('softmax', 'input', x);
  return reduce.softmax(x, dim);
}

/** log(softmax(x)) along dim, computed stably. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  checkTensor('logSoftmax', 'input', x);
  return reduce.logSoftmax(x, dim);
}
