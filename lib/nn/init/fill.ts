// The plain fills of torch.nn.init: uniform, normal, truncated normal, constants, identity.
// Each writes the tensor's buffer in place (no op is recorded, as under torch.no_grad) and
// returns the tensor.
import { Tensor, checkTensor } from '../../tensor';
import { Generator, generatorFrom } from '../../random';
import { FLOAT32_MAX, checkFloat32, checkNumber, checkOptions, rangeError, typeError } from '../../errors';
import { rangeErrorText } from '../../errors';
import { formatShape } from '../../shape';
import { native } from '../../native';
import { expectArity } from '../../options';

/** Options of the random initialisers. */
export interface RandomInitOptions {
  /** The stream to draw from [the default generator]. */
  generator?: Generator;
}

/**
 * Checks the bounds of a float32 uniform draw, as PyTorch's uniform_: each must fit float32
 * ("to is out of bounds for float"), and so must b - a, which the kernel scales by in float32
 * ("expects to-from <= std::numeric_limits<Float>::max()"). Else the tensor fills with
 * Infinity and NaN. `names` are the arguments the bounds came from.
 */
export function checkUniformBounds(where: string, a: number, b: number, names: [string, string]): void {
  checkFloat32(where, names[0], a);
  checkFloat32(where, names[1], b);
  if (a > b) throw rangeError(where, `a number <= ${names[1]} (${names[1]} is ${b})`, names[0], a);
  if (!Number.isFinite(Math.fround(b - a))) {
    throw rangeError(where, `a number at most ${FLOAT32_MAX} (float32's largest) above ${names[0]} (${names[0]} is ${a})`, `${names[1]}`, b);
  }
}

/**
 * Fills `t` with U(a, b), as torch.nn.init.uniform_.
 * @param t the tensor to fill in place.
 * @param a [0] the lower bound.
 * @param b [1] the upper bound.
 * @param opts `{ generator? }`
 * @returns t
 * @throws TypeError for a non-number bound or a surplus argument; RangeError for a bound that is not finite in
 *   float32 (1e39), a > b, or b - a past float32's largest.
 * @example nn.init.uniform(w, -0.1, 0.1);
 */
export function uniform(t: Tensor, a = 0, b = 1, opts?: RandomInitOptions): Tensor {
  const where = 'init.uniform';
  if (arguments.length > 4) expectArity(where, arguments, 3, true);
  checkTensor(where, 'tensor', t);
  checkUniformBounds(where, a, b, ['a', 'b']);
  const g = generatorFrom(where, checkOptions(where, opts, ['generator']));
  g.fillUniform(t.data, a, b);
  return t;
}

/**
 * Fills `t` with N(mean, std^2), as torch.nn.init.normal_.
 * @param t the tensor to fill in place.
 * @param mean [0]
 * @param std [1] non-negative.
 * @param opts `{ generator? }`
 * @returns t
 * @throws TypeError for a non-number or a surplus argument; RangeError for a mean or std that is not finite in
 *   float32 (1e39), or std < 0.
 * @example nn.init.normal(w, 0, 0.02);
 */
export function normal(t: Tensor, mean = 0, std = 1, opts?: RandomInitOptions): Tensor {
  const where = 'init.normal';
  if (arguments.length > 4) expectArity(where, arguments, 3, true);
  checkTensor(where, 'tensor', t);
  // float32 range: the kernel draws in float32, where 1e39 is Infinity and fills with NaN.
  checkFloat32(where, 'mean', mean);
  checkFloat32(where, 'std', std);
  if (std < 0) throw rangeError(where, 'a non-negative number', 'std', std);
  const g = generatorFrom(where, checkOptions(where, opts, ['generator']));
  g.fillNormal(t.data, mean, std);
  return t;
}

/** Options of truncNormal. */
export interface TruncNormalOptions extends RandomInitOptions {
  /** [0] the mean of the normal before truncation. */
  mean?: number;
  /** [1] its standard deviation, positive. */
  std?: number;
  /** [-2] the lower cut-off, an absolute value (not in units of std), as PyTorch's. */
  a?: number;
  /** [2] the upper cut-off, absolute. */
  b?: number;
}

/**
 * Fills `t` with N(mean, std^2) conditioned on a <= x <= b, as torch.nn.init.trunc_normal_.
 * a and b are absolute cut-offs, not multiples of std. Sampled by the inverse CDF (PyTorch's
 * method), x = mean + std * Phi^-1(Phi(alpha) + u (Phi(beta) - Phi(alpha))) with
 * alpha = (a - mean)/std, beta = (b - mean)/std, evaluated natively in double precision, so
 * intervals far in a tail (which PyTorch warns about) are sampled accurately too.
 * @param t the tensor to fill in place.
 * @param opts `{ mean = 0, std = 1, a = -2, b = 2, generator? }`; a may be -Infinity and b
 *   Infinity (one-sided truncation).
 * @returns t
 * @throws TypeError for a non-number option or a surplus argument (PyTorch's positional mean,
 *   std, a, b go in opts); RangeError for NaN, a mean or std that is not
 *   finite in float32, a finite a or b past float32's range, std <= 0, or a >= b.
 * @example nn.init.truncNormal(w, { std: 0.02, a: -0.04, b: 0.04 }); // ViT-style
 */
export function truncNormal(t: Tensor, opts?: TruncNormalOptions): Tensor {
  const where = 'init.truncNormal';
  if (arguments.length > 1) expectArity(where, arguments, 1, true);
  checkTensor(where, 'tensor', t);
  const o = checkOptions(where, opts, ['mean', 'std', 'a', 'b', 'generator']);
  // float32 range: a std of 1e39 gave all zeros, a mean of 1e39 NaN.
  const mean = checkFloat32(where, 'mean', o.mean ?? 0);
  const std = checkFloat32(where, 'std', o.std ?? 1);
  if (std <= 0) throw rangeError(where, 'a positive number', 'std', std);
  const a = o.a ?? -2;
  const b = o.b ?? 2;
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (typeof v !== 'number') throw typeError(where, 'a number', name, v);
    // +-Infinity means no cut-off; a finite bound must fit float32, as PyTorch's clamp_.
    if (Number.isNaN(v)) throw rangeError(where, 'a number or +-Infinity', name, v);
    if (Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
      throw rangeError(where, `+-Infinity or a number in float32 range [-${FLOAT32_MAX}, ${FLOAT32_MAX}]`, name, v);
    }
  }
  if (!(a < b)) throw rangeError(where, `a < b (b is ${b})`, 'a', a);
  const g = generatorFrom(where, o);
  native.truncNormal(t.data, mean, std, a, b, g.seed, g.take(t.numel));
  return t;
}

/**
 * Fills `t` with `value`, as torch.nn.init.constant_. NaN and the infinities are allowed (as
 * PyTorch's fill_), a finite number past float32's range is not.
 * @param t the tensor to fill in place.
 * @param value the number every element takes.
 * @returns t
 * @throws TypeError when t is not a Tensor, value is not a number, or for a surplus argument; RangeError for a finite value past float32's range (1e39).
 * @example nn.init.constant(bias, 0.1);
 */
export function constant(t: Tensor, value: number): Tensor {
  const where = 'init.constant';
  if (arguments.length > 2) expectArity(where, arguments, 2);
  checkTensor(where, 'tensor', t);
  if (typeof value !== 'number') throw typeError(where, 'a number', 'value', value);
  // NaN and the infinities are float32 values; 1e39 is not (PyTorch: "value cannot be
  // converted to type float without overflow").
  if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) {
    throw rangeError(where, `NaN, +-Infinity or a number in float32 range [-${FLOAT32_MAX}, ${FLOAT32_MAX}]`, 'value', value);
  }
  t.data.fill(value);
  return t;
}

/**
 * Fills `t` with 0, as torch.nn.init.zeros_.
 * @param t the tensor to fill in place.
 * @returns t
 * @throws TypeError when t is not a Tensor, or for a surplus argument.
 * @example nn.init.zeros(fc.bias);
 */
export function zeros(t: Tensor): Tensor {
  if (arguments.length > 1) expectArity('init.zeros', arguments, 1);
  checkTensor('init.zeros', 'tensor', t);
  t.data.fill(0);
  return t;
}

/**
 * Fills `t` with 1, as torch.nn.init.ones_.
 * @param t the tensor to fill in place.
 * @returns t
 * @throws TypeError when t is not a Tensor, or for a surplus argument.
 * @example nn.init.ones(norm.weight);
 */
export function ones(t: Tensor): Tensor {
  if (arguments.length > 1) expectArity('init.ones', arguments, 1);
  checkTensor('init.ones', 'tensor', t);
  t.data.fill(1);
  return t;
}

/**
 * Fills the 2-D `t` with the identity (ones on the main diagonal of a possibly rectangular
 * matrix), as torch.nn.init.eye_: a Linear layer so initialised passes as many inputs through
 * unchanged as it can: t[i][j] = 1 where i = j, 0 elsewhere.
 * @param t (rows, cols), filled in place.
 * @returns t
 * @throws TypeError when t is not a Tensor, or for a surplus argument; RangeError when t is not 2-D.
 * @example nn.init.eye(fc.weight);
 */
export function eye(t: Tensor): Tensor {
  const where = 'init.eye';
  if (arguments.length > 1) expectArity(where, arguments, 1);
  checkTensor(where, 'tensor', t);
  if (t.ndim !== 2) throw rangeErrorText(where, 'a 2-D tensor', 'tensor', `shape ${formatShape(t.shape)}`);
  const [rows, cols] = t.shape;
  t.data.fill(0);
  for (let i = 0; i < Math.min(rows, cols); i++) t.data[i * cols + i] = 1;
  return t;
}
