// torch.nn.utils.clip_grad_norm_: rescales gradients so that their joint norm is at most
// maxNorm (Pascanu et al. 2013), on native norm and scale kernels (native/kernels/clip.h).
import { Tensor } from '../../tensor';
import { native } from '../../native';
import { checkBoolean, checkNumber, checkOptions, rangeError, typeError } from '../../errors';
import { rangeErrorText } from '../../errors';

/**
 * Clips the gradients of `parameters` in place so that their total norm (all gradients seen
 * as one vector) is at most maxNorm, as torch.nn.utils.clip_grad_norm_ (Pascanu et al. 2013):
 * total = (sum_i ||g_i||_p^p)^(1/p) (max |g| for p = Infinity); when
 * maxNorm / (total + 1e-6) < 1 every gradient is multiplied by it. Parameters without a
 * gradient are skipped.
 * @param parameters a Tensor or an iterable of Tensors (`model.parameters()`)
 * @param maxNorm the largest norm allowed (>= 0)
 * @param opts `{ normType = 2, errorIfNonfinite = false }`: normType > 0 or Infinity
 * @returns the total norm before clipping (0 when no parameter has a gradient)
 * @throws {TypeError} when parameters is neither a Tensor nor an iterable of Tensors, maxNorm or
 *   normType is not a number, errorIfNonfinite is not a boolean, opts is not an object, or an
 *   option name is unknown.
 * @throws {RangeError} when maxNorm is negative or not finite, normType is not positive (or
 *   NaN), or, with errorIfNonfinite, the total norm is NaN or infinite.
 * @example
 * loss.backward();
 * const norm = kiln.nn.utils.clipGradNorm(model.parameters(), 1.0); // before opt.step()
 */
export function clipGradNorm(parameters: Tensor | Iterable<Tensor>, maxNorm: number, opts?: { normType?: number; errorIfNonfinite?: boolean }): number {
  const where = 'clipGradNorm';
  const o = checkOptions(where, opts, ['normType', 'errorIfNonfinite']);
  const max = checkNumber(where, 'maxNorm', maxNorm);
  if (max < 0) throw rangeError(where, 'a non-negative number', 'maxNorm', max);
  const p = o.normType ?? 2;
  if (typeof p !== 'number') throw typeError(where, 'a number', 'normType', p);
  if (!(p > 0)) throw rangeError(where, 'a positive number or Infinity', 'normType', p);
  const errorIfNonfinite = checkBoolean(where, 'errorIfNonfinite', o.errorIfNonfinite ?? false);
  let list: unknown[];
  if (parameters instanceof Tensor) list = [parameters];
  else if (parameters !== null && typeof parameters === 'object' && Symbol.iterator in parameters) list = Array.from(parameters as Iterable<unknown>);
  else throw typeError(where, 'a Tensor or an iterable of Tensors', 'parameters', parameters);
  const grads: Float32Array[] = [];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw typeError(where, 'a Tensor', `parameters[${i}]`, t);
    if (t.grad) grads.push(t.grad.data);
  });
  if (grads.length === 0) return 0;
  let total: number;
  if (p === Infinity) {
    total = 0;
    for (const g of grads) {
      const m = native.maxAbs(g);
      if (!(m <= total)) total = m;
    }
  } else {
    let s = 0;
    for (const g of grads) s += native.sumAbsPow(g, p);
    total = p === 2 ? Math.sqrt(s) : p === 1 ? s : s ** (1 / p);
  }
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw rangeErrorText(where, `a finite total norm of order ${p}`, 'the gradients', `${total} (pass errorIfNonfinite: false to scale by it anyway)`);
  }
  const coef = max / (total + 1e-6);
  // As torch: the coefficient is clamped to 1, so only a smaller one changes anything; a NaN
  // norm makes every gradient NaN, as multiplying by it does there.
  if (Number.isNaN(coef)) for (const g of grads) g.fill(NaN);
  else if (coef < 1) for (const g of grads) native.scaleInPlace(g, coef);
  return total;
}

/** `parameters` as an array of Tensors: one Tensor or an iterable of them, each checked. */
export function tensorList(where: string, parameters: unknown): Tensor[] {
  let list: unknown[];
  if (parameters instanceof Tensor) list = [parameters];
  else if (parameters !== null && typeof parameters === 'object' && Symbol.iterator in parameters) list = Array.from(parameters as Iterable<unknown>);
  else throw typeError(where, 'a Tensor or an iterable of Tensors', 'parameters', parameters);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw typeError(where, 'a Tensor', `parameters[${i}]`, t);
  });
  return list as Tensor[];
}

/**
 * Clamps every gradient of `parameters` in place to [-clipValue, clipValue], as
 * torch.nn.utils.clip_grad_value_. Parameters without a gradient are skipped; a NaN gradient
 * stays NaN (as torch's clamp).
 * @param parameters a Tensor or an iterable of Tensors (`model.parameters()`)
 * @param clipValue the largest magnitude allowed (>= 0; Infinity changes nothing)
 * @throws TypeError for parameters that are not Tensors or a non-number clipValue; RangeError for a negative or NaN clipValue.
 * @example loss.backward(); nn.utils.clipGradValue(model.parameters(), 0.5); opt.step();
 */
export function clipGradValue(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  const where = 'clipGradValue';
  if (typeof clipValue !== 'number') throw typeError(where, 'a number', 'clipValue', clipValue);
  // torch clamps to [-c, c] even for c < 0 (every gradient then becomes c); that is surely a slip.
  if (!(clipValue >= 0)) throw rangeError(where, 'a non-negative number', 'clipValue', clipValue);
  const c = Math.fround(clipValue);
  for (const t of tensorList(where, parameters)) {
    if (!t.grad) continue;
    const g = t.grad.data;
    for (let i = 0; i < g.length; i++) {
      if (g[i] > c) g[i] = c;
      else if (g[i] < -c) g[i] = -c;
    }
  }
}
