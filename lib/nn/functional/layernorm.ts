// F.layerNorm: normalisation over the last dimensions, on the native fused kernel; the shape
// checks here are shared with F.rmsNorm (./rmsnorm.ts).
import { Tensor, fromOp, checkTensor, freshGrad } from '../../tensor';
import { checkShape, formatShape, sameShape } from '../../shape';
import { native } from '../../native';
import { emptyFloat32 } from './buffers';
import { checkEps, checkOptions, rangeError } from '../../errors';
import { expectArity } from '../../options';
import { shapeError } from '../../errors';


/** A normalized shape: a size or a non-empty array of sizes. */
export function checkNormalizedShape(where: string, normalizedShape: unknown): number[] {
  const ns = checkShape(where, normalizedShape, 'normalizedShape');
  if (ns.length === 0) throw rangeError(where, 'at least one dimension', 'normalizedShape', ns);
  return ns;
}

/** Validates x against normalizedShape and returns the (rows N, row size D) view. */
export function rowsOf(where: string, x: Tensor, ns: number[]): [number, number] {
  const k0 = x.ndim - ns.length;
  if (k0 < 0 || !sameShape(x.shape.slice(k0), ns)) {
    throw shapeError(where, `shape [*, ${ns.join(', ')}] (ending in normalizedShape)`, 'input', x.shape);
  }
  let N = 1;
  for (let i = 0; i < k0; i++) N *= x.shape[i];
  let D = 1;
  for (const s of ns) D *= s;
  return [N, D];
}

/** An optional affine parameter (weight, bias): null when absent, else a tensor of shape normalizedShape. */
export function checkParam(where: string, name: string, t: Tensor | null | undefined, ns: number[]): Tensor | null {
  if (t === undefined || t === null) return null;
  checkTensor(where, name, t);
  if (!sameShape(t.shape, ns)) throw shapeError(where, `shape ${formatShape(ns)}`, name, t.shape);
  return t;
}

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** [none] the elementwise scale, of shape normalizedShape; null or absent for none. */
  weight?: Tensor | null;
  /** [none] the elementwise shift, of shape normalizedShape; null or absent for none. */
  bias?: Tensor | null;
  /** [1e-5] added to the variance before the square root; non-negative. */
  eps?: number;
}

/**
 * Layer normalisation over the last dimensions, as torch.nn.functional.layer_norm
 * (Ba, Kiros & Hinton 2016): y = (x - mean) / sqrt(var + eps) * weight + bias, with the mean
 * and biased variance of each row of prod(normalizedShape) elements.
 * @param x (*, ...normalizedShape)
 * @param normalizedShape the trailing shape to normalise over (a number or an array)
 * @param opts `{ weight?: normalizedShape, bias?: normalizedShape, eps = 1e-5 }`
 * @throws TypeError for non-tensors, wrong option types or a surplus argument (PyTorch's positional options go in opts); RangeError for shapes that do not fit or a negative eps.
 * @example F.layerNorm(x, [768], { weight, bias })
 */
export function layerNorm(x: Tensor, normalizedShape: number | number[], opts: LayerNormOptions = {}): Tensor {
  if (arguments.length > 2) expectArity('layerNorm', arguments, 2, true);
  return layerNormAt('layerNorm', x, normalizedShape, opts);
}

/** F.layerNorm naming `where` in its errors: LayerNorm's forward calls it. @internal */
export function layerNormAt(where: string, x: Tensor, normalizedShape: number | number[], opts: LayerNormOptions = {}): Tensor {
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
  native.layerNormForward(out, mean, rstd, x.data, w, bias ? bias.data : null, N, D, eps);
  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return fromOp(out, x.shape.slice(), inputs, 'layerNorm', (g) => {
    const dx = x.requiresGrad ? emptyFloat32(x.numel) : null;
    const dw = weight && weight.requiresGrad ? new Float32Array(D) : null;
    const db = bias && bias.requiresGrad ? new Float32Array(D) : null;
    native.layerNormBackward(dx, dw, db, g, x.data, w, mean, rstd, N, D);
    const grads: (Float32Array | null)[] = [dx];
    if (weight) grads.push(dw);
    if (bias) grads.push(db);
    return grads.map((a) => a && freshGrad(a));
  });
}
