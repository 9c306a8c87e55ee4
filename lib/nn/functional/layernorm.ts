// F.layerNorm and F.rmsNorm: normalisation over the last dimensions, on the native fused kernels.
import { Tensor, fromOp, checkTensor, freshGrad } from '../../tensor';
import { checkShape, formatShape, sameShape } from '../../shape';
import { native } from '../../native';
import { emptyFloat32 } from './buffers';
import { checkNumber, checkOptions, rangeError } from '../../errors';

type F32 = Float32Array;
type RowNormFn = {
  layerNormForward(out: F32, mean: F32, rstd: F32, inp: F32, weight: F32 | null, bias: F32 | null, N: number, D: number, eps: number): void;
  layerNormBackward(dinp: F32 | null, dweight: F32 | null, dbias: F32 | null, dout: F32, inp: F32, weight: F32 | null, mean: F32, rstd: F32, N: number, D: number): void;
  rmsNormForward(out: F32, rstd: F32, inp: F32, weight: F32 | null, N: number, D: number, eps: number): void;
  rmsNormBackward(dinp: F32 | null, dweight: F32 | null, dout: F32, inp: F32, weight: F32 | null, rstd: F32, N: number, D: number): void;
};
const k = native as unknown as RowNormFn;

/** torch.finfo(torch.float32).eps = 2^-23: torch.nn.RMSNorm's eps when none is given. */
export const FLOAT32_EPS = 2 ** -23;

/** A normalized shape: a size or a non-empty array of sizes. */
export function checkNormalizedShape(where: string, normalizedShape: unknown): number[] {
  const ns = checkShape(where, normalizedShape, 'normalizedShape');
  if (ns.length === 0) throw rangeError(where, 'at least one dimension', 'normalizedShape', ns);
  return ns;
}

/** eps: a finite, non-negative number. */
export function checkEps(where: string, eps: unknown): number {
  const e = checkNumber(where, 'eps', eps);
  if (e < 0) throw rangeError(where, 'a non-negative number', 'eps', e);
  return e;
}

/** Validates x against normalizedShape and returns the (rows N, row size D) view. */
function rowsOf(where: string, x: Tensor, ns: number[]): [number, number] {
  const k0 = x.ndim - ns.length;
  if (k0 < 0 || !sameShape(x.shape.slice(k0), ns)) {
    throw new RangeError(`${where}: expected input with shape [*, ${ns.join(', ')}], got ${formatShape(x.shape)}`);
  }
  let N = 1;
  for (let i = 0; i < k0; i++) N *= x.shape[i];
  let D = 1;
  for (const s of ns) D *= s;
  return [N, D];
}

function checkParam(where: string, name: string, t: Tensor | null | undefined, ns: number[]): Tensor | null {
  if (t === undefined || t === null) return null;
  checkTensor(where, name, t);
  if (!sameShape(t.shape, ns)) throw new RangeError(`${where}: expected ${name} of shape ${formatShape(ns)}, got ${formatShape(t.shape)}`);
  return t;
}

/**
 * Layer normalisation over the last dimensions, as torch.nn.functional.layer_norm
 * (Ba, Kiros & Hinton 2016): y = (x - mean) / sqrt(var + eps) * weight + bias, with the mean
 * and biased variance of each row of prod(normalizedShape) elements.
 * @param x (*, ...normalizedShape)
 * @param normalizedShape the trailing shape to normalise over (a number or an array)
 * @param opts `{ weight?: normalizedShape, bias?: normalizedShape, eps = 1e-5 }`
 * @throws TypeError for non-tensors or wrong option types; RangeError for shapes that do not fit or a negative eps.
 * @example F.layerNorm(x, [768], { weight, bias })
 */
export function layerNorm(x: Tensor, normalizedShape: number | number[], opts: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {}, where = 'layerNorm'): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['weight', 'bias', 'eps']);
  const ns = checkNormalizedShape(where, normalizedShape);
  const [N, D] = rowsOf(where, x, ns);
  const weight = checkParam(where, 'weight', o.weight, ns);
  const bias = checkParam(where, 'bias', o.bias, ns);
  const eps = checkEps(where, o.eps ?? 1e-5);

  const out = emptyFloat32(x.numel);
  const mean = new Float32Array(N);
  const rstd = new Float32Array(N);
  const w = weight ? weight.data : null;
  k.layerNormForward(out, mean, rstd, x.data, w, bias ? bias.data : null, N, D, eps);
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return fromOp(out, x.shape.slice(), inputs, 'layerNorm', (g) => {
    const dx = x.requiresGrad ? emptyFloat32(x.numel) : null;
    const dw = weight && weight.requiresGrad ? new Float32Array(D) : null;
    const db = bias && bias.requiresGrad ? new Float32Array(D) : null;
    k.layerNormBackward(dx, dw, db, g, x.data, w, mean, rstd, N, D);
    const grads: (Float32Array | null)[] = [dx];
    if (weight) grads.push(dw);
    if (bias) grads.push(db);
    return grads.map((a) => a && freshGrad(a));
  });
}

/**
 * Root-mean-square normalisation over the last dimensions, as torch.nn.functional.rms_norm
 * (Zhang & Sennrich 2019): y = x / sqrt(mean(x^2) + eps) * weight.
 * @param x (*, ...normalizedShape)
 * @param normalizedShape the trailing shape to normalise over (a number or an array)
 * @param opts `{ weight?: normalizedShape, eps = 2^-23 }`: eps null or omitted is float32's
 *   machine epsilon, as PyTorch.
 * @throws TypeError for non-tensors or wrong option types; RangeError for shapes that do not fit or a negative eps.
 * @example F.rmsNorm(x, 4096, { weight })
 */
export function rmsNorm(x: Tensor, normalizedShape: number | number[], opts: { weight?: Tensor | null; eps?: number | null } = {}, where = 'rmsNorm'): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['weight', 'eps']);
  const ns = checkNormalizedShape(where, normalizedShape);
  const [N, D] = rowsOf(where, x, ns);
  const weight = checkParam(where, 'weight', o.weight, ns);
  const eps = checkEps(where, o.eps ?? FLOAT32_EPS);

  const out = emptyFloat32(x.numel);
  const rstd = new Float32Array(N);
  const w = weight ? weight.data : null;
  k.rmsNormForward(out, rstd, x.data, w, N, D, eps);
  const inputs = weight ? [x, weight] : [x];
  return fromOp(out, x.shape.slice(), inputs, 'rmsNorm', (g) => {
    const dx = x.requiresGrad ? emptyFloat32(x.numel) : null;
    const dw = weight && weight.requiresGrad ? new Float32Array(D) : null;
    k.rmsNormBackward(dx, dw, g, x.data, w, rstd, N, D);
    return (weight ? [dx, dw] : [dx]).map((a) => a && freshGrad(a));
  });
}
