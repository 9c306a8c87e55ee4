// kiln's one error format: "<where>: expected <what> for <name>, got <value>".
// TypeError for a wrong type, RangeError for a bad value or shape. Error text is API.
import { checkOptionNames } from './options';

/**
 * Whether a buffer was transferred away (postMessage or structuredClone with `transfer`): its
 * views then read as empty. Node 20 has no ArrayBuffer.prototype.detached, but constructing a
 * view on a detached buffer throws.
 */
export function isDetached(buffer: ArrayBufferLike): boolean {
  // Not instanceof: a buffer from another realm (a vm context, jest) is an ArrayBuffer too.
  if (buffer.byteLength !== 0 || Object.prototype.toString.call(buffer) !== '[object ArrayBuffer]') return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

/** Renders a value for an error message: numbers as written, arrays of sizes as [2, 3]. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean' || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) {
    if (value.length <= 8 && value.every((v) => typeof v === 'number')) return `[${value.join(', ')}]`;
    return `an array of length ${value.length}`;
  }
  if (ArrayBuffer.isView(value)) {
    if (isDetached(value.buffer)) return `a detached ${value.constructor.name}`;
    return `${value.constructor.name}(${(value as unknown as { length?: number }).length ?? value.byteLength})`;
  }
  const name = (value as object).constructor?.name;
  if (name === 'Tensor' || name === 'Parameter' || name === 'Buffer') {
    return `a Tensor of shape [${(value as { shape: number[] }).shape.join(', ')}]`;
  }
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export function typeError(where: string, what: string, name: string, got: unknown): TypeError {
  return typeErrorText(where, what, name, describe(got));
}

export function rangeError(where: string, what: string, name: string, got: unknown): RangeError {
  return rangeErrorText(where, what, name, describe(got));
}

/** typeError with the value already written out (several values, a count with a note). */
export function typeErrorText(where: string, what: string, name: string, got: string): TypeError {
  return new TypeError(`${where}: expected ${what} for ${name}, got ${got}`);
}

/** rangeError with the value already written out (several shapes, a count with a note). */
export function rangeErrorText(where: string, what: string, name: string, got: string): RangeError {
  return new RangeError(`${where}: expected ${what} for ${name}, got ${got}`);
}

/** A tensor of the wrong shape: "<where>: expected <what> for <name>, got [2, 3]". */
export function shapeError(where: string, what: string, name: string, shape: readonly number[]): RangeError {
  return rangeErrorText(where, what, name, `[${shape.join(', ')}]`);
}

/** A finite number. */
export function checkNumber(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(where, 'a number', name, v);
  if (!Number.isFinite(v)) throw rangeError(where, 'a finite number', name, v);
  return v;
}

/** The largest finite float32, 3.4028234663852886e38. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A finite number that float32 holds: tensors are float32, so a value past FLOAT32_MAX
 * (1e39, say) would be stored as Infinity (PyTorch: "value cannot be converted to type float
 * without overflow").
 */
export function checkFloat32(where: string, name: string, v: unknown): number {
  checkNumber(where, name, v);
  if (!Number.isFinite(Math.fround(v as number))) throw rangeError(where, `a number in float32 range [-${FLOAT32_MAX}, ${FLOAT32_MAX}]`, name, v);
  return v as number;
}

/**
 * Checks an option that must be a finite number >= 0 (lr, eps, weightDecay, momentum).
 * @param where the caller, for error messages
 * @param name the option's name in messages (`paramGroups[1].lr`)
 * @param v the value
 * @returns the number
 * @throws {TypeError} for a non-number.
 * @throws {RangeError} for a negative or non-finite number.
 * @example kiln.optim.checkNonNegative('MySGD', 'lr', 0.1);
 */
export function checkNonNegative(where: string, name: string, v: unknown): number {
  const x = checkNumber(where, name, v);
  if (x < 0) throw rangeError(where, 'a non-negative number', name, x);
  return x;
}

/** eps of a normalisation layer: a finite, non-negative number. */
export function checkEps(where: string, eps: unknown): number {
  return checkNonNegative(where, 'eps', eps);
}

/**
 * Checks Adam-style betas: an array of two numbers, each in [0, 1).
 * @param where the caller, for error messages
 * @param name the option's name in messages
 * @param v the value
 * @returns the betas
 * @throws {TypeError} for anything but an array of two numbers.
 * @throws {RangeError} for a beta outside [0, 1).
 * @example kiln.optim.checkBetas('MyAdam', 'betas', [0.9, 0.999]);
 */
export function checkBetas(where: string, name: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw typeError(where, 'an array of two numbers', name, v);
  v.forEach((b, i) => {
    checkNumber(where, `${name}[${i}]`, b);
    if (b < 0 || b >= 1) throw rangeError(where, 'a number in [0, 1)', `${name}[${i}]`, b);
  });
  return v as [number, number];
}

/** An integer in [min, max]. */
export function checkInt(where: string, name: string, v: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number') throw typeError(where, 'an integer', name, v);
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer >= ${min}`) : `an integer in [${min}, ${max}]`;
    throw rangeError(where, range, name, v);
  }
  return v;
}

/** A number in a range, with the bounds inclusive unless stated. */
export function checkInRange(
  where: string,
  name: string,
  v: unknown,
  lo: number,
  hi: number,
  { loOpen = false, hiOpen = false } = {},
): number {
  checkNumber(where, name, v);
  const x = v as number;
  if ((loOpen ? x <= lo : x < lo) || (hiOpen ? x >= hi : x > hi)) {
    throw rangeError(where, `a number in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`, name, x);
  }
  return x;
}

export function checkBoolean(where: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw typeError(where, 'a boolean', name, v);
  return v;
}

/** One of a fixed set of strings; the message lists them, as PyTorch's calculate_gain does. */
export function checkChoice<T extends string>(where: string, name: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    const list = choices.map((c) => `'${c}'`);
    const alts = list.length <= 2 ? list.join(' or ') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
    throw typeof v === 'string' ? rangeError(where, alts, name, v) : typeError(where, alts, name, v);
  }
  return v as T;
}

/**
 * An options object (or undefined) whose keys are all among `names`; anything else is a
 * TypeError. An unknown key names itself and suggests the likely spelling (lib/options.ts).
 */
export function checkOptions<T extends object>(where: string, opts: T | undefined, names: readonly (keyof T & string)[]): Partial<T> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw typeError(where, 'an options object', 'options', opts);
  checkOptionNames(where, opts, names);
  return opts;
}
