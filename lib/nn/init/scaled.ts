// Variance-scaling initialisers: Xavier/Glorot and Kaiming/He, as torch.nn.init.
import { Tensor, checkTensor } from '../../tensor';
import { generatorFrom } from '../../random';
import { checkNumber, checkOptions, rangeError } from '../../errors';
import { fanInAndOut, fanOf, FanMode } from './fans';
import { gainFor, Nonlinearity } from './gain';
import { RandomInitOptions } from './fill';
import { expectArity } from '../../options';

/** Options of the Xavier initialisers. */
export interface XavierOptions extends RandomInitOptions {
  /** [1] a scaling factor, e.g. calculateGain('tanh'); non-negative. */
  gain?: number;
}

/** Options of the Kaiming initialisers. */
export interface KaimingOptions extends RandomInitOptions {
  /** [0] the negative slope of the rectifier after this layer (used with 'leaky_relu' only). */
  a?: number;
  /** ['fan_in'] 'fan_in' keeps the forward pass's variance, 'fan_out' the backward pass's. */
  mode?: FanMode;
  /** ['leaky_relu'] the nonlinearity after this layer, as calculateGain names it. */
  nonlinearity?: Nonlinearity;
}

/** The std Xavier wants: gain * sqrt(2 / (fan_in + fan_out)); validates the options. */
function xavierStd(where: string, t: Tensor, opts: XavierOptions | undefined): [number, RandomInitOptions] {
  checkTensor(where, 'tensor', t);
  const o = checkOptions(where, opts, ['gain', 'generator']);
  const gain = checkNumber(where, 'gain', o.gain ?? 1);
  if (gain < 0) throw rangeError(where, 'a non-negative number', 'gain', gain);
  const [fanIn, fanOut] = fanInAndOut(where, t);
  const fans = fanIn + fanOut;
  return [fans > 0 ? gain * Math.sqrt(2 / fans) : 0, o];
}

/**
 * Fills `t` with U(-bound, bound), bound = gain * sqrt(6 / (fan_in + fan_out)), as
 * torch.nn.init.xavier_uniform_ (Glorot & Bengio 2010, "Understanding the difficulty of
 * training deep feedforward neural networks"). Fans follow PyTorch's layout (out, in, ...).
 * @param t a tensor with at least 2 dimensions, filled in place.
 * @param opts `{ gain = 1, generator? }`
 * @returns t
 * @throws RangeError for fewer than 2 dimensions or a negative gain; TypeError for a non-number gain
 *   or a surplus argument (PyTorch's positional gain goes in opts: `{ gain: 2 }`).
 * @example nn.init.xavierUniform(fc.weight, { gain: nn.init.calculateGain('sigmoid') });
 */
export function xavierUniform(t: Tensor, opts?: XavierOptions): Tensor {
  const where = 'init.xavierUniform';
  if (arguments.length > 1) expectArity(where, arguments, 1, true);
  const [std, o] = xavierStd(where, t, opts);
  const bound = Math.sqrt(3) * std; // as PyTorch computes it: the uniform with that std
  // A huge finite gain (1e39) overflows the float32 range [-bound, bound] to Infinity and the
  // draws to NaN (PyTorch: "from is out of bounds for float").
  if (!Number.isFinite(Math.fround(2 * bound))) {
    throw rangeError(where, 'a gain for which the float32 range 2 * gain * sqrt(6 / (fan_in + fan_out)) is finite', 'gain', opts?.gain);
  }
  generatorFrom(where, o).fillUniform(t.data, -bound, bound);
  return t;
}

/**
 * Fills `t` with N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)), as
 * torch.nn.init.xavier_normal_ (Glorot & Bengio 2010).
 * @param t a tensor with at least 2 dimensions, filled in place.
 * @param opts `{ gain = 1, generator? }`
 * @returns t
 * @throws RangeError for fewer than 2 dimensions or a negative gain; TypeError for a non-number gain
 *   or a surplus argument (PyTorch's positional gain goes in opts: `{ gain: 2 }`).
 * @example nn.init.xavierNormal(fc.weight);
 */
export function xavierNormal(t: Tensor, opts?: XavierOptions): Tensor {
  const where = 'init.xavierNormal';
  if (arguments.length > 1) expectArity(where, arguments, 1, true);
  const [std, o] = xavierStd(where, t, opts);
  // The kernel draws in float32, where a std past its range is Infinity and fills with NaN.
  if (!Number.isFinite(Math.fround(std))) {
    throw rangeError(where, 'a gain for which the float32 std gain * sqrt(2 / (fan_in + fan_out)) is finite', 'gain', opts?.gain);
  }
  generatorFrom(where, o).fillNormal(t.data, 0, std);
  return t;
}

let warnedZeroElement = false;

/**
 * Warns, once per process, that a zero-element tensor is left as it is: PyTorch's kaiming_*
 * warn "Initializing zero-element tensors is a no-op" (shown once per call site by Python's
 * default filter). Returns whether t is empty.
 */
function noOpIfEmpty(t: Tensor): boolean {
  if (t.numel !== 0) return false;
  if (!warnedZeroElement) {
    warnedZeroElement = true;
    process.emitWarning('Initializing zero-element tensors is a no-op', { code: 'KILN_INIT_ZERO_ELEMENT' });
  }
  return true;
}

/** The std Kaiming wants, gain / sqrt(fan); options are validated before the empty-tensor no-op. */
function kaimingStd(where: string, t: Tensor, opts: KaimingOptions | undefined): [number, RandomInitOptions] {
  checkTensor(where, 'tensor', t);
  const o = checkOptions(where, opts, ['a', 'mode', 'nonlinearity', 'generator']);
  const a = checkNumber(where, 'a', o.a ?? 0);
  const gain = gainFor(where, o.nonlinearity ?? 'leaky_relu', a);
  const fan = fanOf(where, t, o.mode ?? 'fan_in');
  return [fan > 0 ? gain / Math.sqrt(fan) : 0, o];
}

/**
 * Fills `t` with U(-bound, bound), bound = gain * sqrt(3 / fan), as
 * torch.nn.init.kaiming_uniform_ (He, Zhang, Ren & Sun 2015, "Delving deep into rectifiers"), with
 * gain = calculateGain(nonlinearity, a) and fan the fan_in or fan_out of PyTorch's layout.
 * A zero-element tensor is left as it is, with a warning the first time (process.emitWarning,
 * PyTorch's text: 'Initializing zero-element tensors is a no-op').
 * @param t a tensor with at least 2 dimensions, filled in place.
 * @param opts `{ a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu', generator? }`
 * @returns t
 * @throws RangeError for fewer than 2 dimensions, a mode other than 'fan_in' or 'fan_out', an
 *   unknown nonlinearity or a non-finite a; TypeError for options of the wrong type or a surplus
 *   argument (PyTorch's positional a, mode, nonlinearity go in opts: `{ a: 0, mode: 'fan_in' }`).
 * @example nn.init.kaimingUniform(conv.weight, { nonlinearity: 'relu' });
 */
export function kaimingUniform(t: Tensor, opts?: KaimingOptions): Tensor {
  const where = 'init.kaimingUniform';
  if (arguments.length > 1) expectArity(where, arguments, 1, true);
  const [std, o] = kaimingStd(where, t, opts);
  if (noOpIfEmpty(t)) return t;
  const bound = Math.sqrt(3) * std; // as PyTorch computes it: the uniform with that std
  generatorFrom(where, o).fillUniform(t.data, -bound, bound);
  return t;
}

/**
 * Fills `t` with N(0, std^2), std = gain / sqrt(fan), as torch.nn.init.kaiming_normal_
 * (He et al. 2015). A zero-element tensor is left as it is, with a warning the first time.
 * @param t a tensor with at least 2 dimensions, filled in place.
 * @param opts `{ a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu', generator? }`
 * @returns t
 * @throws RangeError for fewer than 2 dimensions, a mode other than 'fan_in' or 'fan_out', an
 *   unknown nonlinearity or a non-finite a; TypeError for options of the wrong type or a surplus
 *   argument (PyTorch's positional a, mode, nonlinearity go in opts: `{ a: 0, mode: 'fan_in' }`).
 * @example nn.init.kaimingNormal(fc.weight, { mode: 'fan_out', nonlinearity: 'relu' });
 */
export function kaimingNormal(t: Tensor, opts?: KaimingOptions): Tensor {
  const where = 'init.kaimingNormal';
  if (arguments.length > 1) expectArity(where, arguments, 1, true);
  const [std, o] = kaimingStd(where, t, opts);
  if (noOpIfEmpty(t)) return t;
  generatorFrom(where, o).fillNormal(t.data, 0, std);
  return t;
}
