// Helpers shared by the optimisers: the options object with torch.optim's implementation
// switches, and zero-filled state tensors. (The option validators checkNonNegative and
// checkBetas live in lib/errors.ts with the other validators.)
import { Tensor } from '../tensor';
import { checkBoolean, checkOptions, describe } from '../errors';
import { rangeError } from '../errors';

/**
 * The options object of a constructor that takes PyTorch's options `names`: unknown keys are a
 * TypeError naming them; `foreach` (torch's choice of implementation) is accepted when listed
 * and ignored; `differentiable` is refused unless false (kiln does not implement it).
 */
export function optimizerOptions<T extends object>(where: string, opts: T | undefined, names: readonly string[]): Partial<T> {
  const o = checkOptions(where, opts as Record<string, unknown> | undefined, names) as Partial<T> & { foreach?: unknown; differentiable?: unknown };
  if (o.foreach !== undefined && o.foreach !== null) checkBoolean(where, 'foreach', o.foreach);
  if (o.differentiable !== undefined && o.differentiable !== false) {
    throw rangeError(where, 'false (kiln does not implement it)', 'differentiable', o.differentiable);
  }
  return o;
}

/** A zero-filled tensor of p's shape, for optimiser state. */
export const zerosLike = (p: Tensor): Tensor => new Tensor(new Float32Array(p.numel), p.shape.slice());

/** A scalar tensor (a step count, NAdam's mu_product). */
export const scalar = (v: number): Tensor => new Tensor(new Float32Array([v]), []);
