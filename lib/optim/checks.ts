// Option checks shared by the optimisers, in kiln's error format; the conditions are
// torch.optim's ("Invalid learning rate", "Invalid beta parameter at index 0", ...).
import { checkNumber, rangeError, typeError } from '../errors';

/** A finite number >= 0 (lr, eps, weightDecay, momentum). */
export function checkNonNegative(where: string, name: string, v: unknown): number {
  const x = checkNumber(where, name, v);
  if (x < 0) throw rangeError(where, 'a non-negative number', name, x);
  return x;
}

/** Adam's betas: two numbers, each in [0, 1). */
export function checkBetas(where: string, name: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw typeError(where, 'an array of two numbers', name, v);
  v.forEach((b, i) => {
    checkNumber(where, `${name}[${i}]`, b);
    if (b < 0 || b >= 1) throw rangeError(where, 'a number in [0, 1)', `${name}[${i}]`, b);
  });
  return v as [number, number];
}

