// Option checks shared by the optimisers, in kiln's error format; the conditions are
// torch.optim's ("Invalid learning rate", "Invalid beta parameter at index 0", ...).
import { Tensor } from '../tensor';
import { checkBoolean, checkNumber, checkOptions, describe, rangeError, typeError } from '../errors';
import { checkOptionNames } from '../options';

/**
 * Checks an optimiser option that must be a finite number >= 0 (lr, eps, weightDecay, momentum).
 * @param where the caller, for error messages
 * @param name the option's name in messages (`paramGroups[1].lr`)
 * @param v the value
 * @returns the number
 * @throws TypeError for a non-number; RangeError for a negative or non-finite number.
 * @example optim.checkNonNegative('MySGD', 'lr', 0.1);
 */
export function checkNonNegative(where: string, name: string, v: unknown): number {
  const x = checkNumber(where, name, v);
  if (x < 0) throw rangeError(where, 'a non-negative number', name, x);
  return x;
}

/**
 * Checks Adam-style betas: an array of two numbers, each in [0, 1).
 * @param where the caller, for error messages
 * @param name the option's name in messages
 * @param v the value
 * @returns the betas
 * @throws TypeError for anything but two numbers; RangeError for a beta outside [0, 1).
 * @example optim.checkBetas('MyAdam', 'betas', [0.9, 0.999]);
 */
export function checkBetas(where: string, name: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw typeError(where, 'an array of two numbers', name, v);
  v.forEach((b, i) => {
    checkNumber(where, `${name}[${i}]`, b);
    if (b < 0 || b >= 1) throw rangeError(where, 'a number in [0, 1)', `${name}[${i}]`, b);
  });
  return v as [number, number];
}

/**
 * The options object of a constructor that takes PyTorch's options `names`: unknown keys are a
 * TypeError naming them; `foreach` (torch's choice of implementation) is accepted when listed
 * and ignored; `differentiable` is refused unless false (kiln does not implement it).
 */
export function optimizerOptions<T extends object>(where: string, opts: T | undefined, names: readonly string[]): Partial<T> {
  const o = checkOptions(where, opts) as Partial<T> & { foreach?: unknown; differentiable?: unknown };
  checkOptionNames(where, o, names);
  if (o.foreach !== undefined && o.foreach !== null) checkBoolean(where, 'foreach', o.foreach);
  if (o.differentiable !== undefined && o.differentiable !== false) {
    throw new RangeError(`${where}: expected differentiable false (kiln does not implement it), got ${describe(o.differentiable)}`);
  }
  return o;
}

/** A zero-filled tensor of p's shape, for optimiser state. */
export const zerosLike = (p: Tensor): Tensor => new Tensor(new Float32Array(p.numel), p.shape.slice());

/** A scalar tensor (a step count, NAdam's mu_product). */
export const scalar = (v: number): Tensor => new Tensor(new Float32Array([v]), []);
