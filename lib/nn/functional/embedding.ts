// F.embedding on the native gather / scatter-add kernels (native/kernels/embedding.cc).
import { Tensor, fromOp, checkTensor, freshGrad } from '../../tensor';
import { formatShape } from '../../shape';
import { checkBoolean, checkInt, checkNumber, checkOptions, rangeError, shapeError } from '../../errors';
import { native } from '../../native';
import { IndexInput, readIndices } from './indices';
import { expectArity } from '../../options';

/** Options of `embedding` (and of `nn.Embedding`'s lookups). */
export interface EmbeddingOptions {
  /** [null] a row in [-numEmbeddings, numEmbeddings) (negative counts from the end) that gets no gradient. */
  paddingIdx?: number | null;
  /** [null] renormalise each looked-up row whose normType-norm exceeds it to that norm, in place. */
  maxNorm?: number | null;
  /** [2] the p of the p-norm for maxNorm. */
  normType?: number;
  /** [false] not implemented: true is a RangeError. */
  scaleGradByFreq?: boolean;
  /** [false] not implemented (kiln has no sparse gradients): true is a RangeError. */
  sparse?: boolean;
}

/** The paddingIdx option as a row in [0, V), or -1 for none; negative counts from the end, as PyTorch. */
export function paddingRow(where: string, v: unknown, V: number): number {
  if (v === undefined || v === null) return -1;
  checkInt(where, 'paddingIdx', v, -Number.MAX_SAFE_INTEGER);
  const p = v as number;
  if (p < -V || p >= V) throw rangeError(where, `paddingIdx in [-${V}, ${V}) (numEmbeddings ${V})`, 'paddingIdx', p);
  return p < 0 ? p + V : p;
}

/** The options PyTorch has and kiln refuses: scaleGradByFreq and sparse must stay false. */
export function refuseUnimplemented(where: string, o: { scaleGradByFreq?: unknown; sparse?: unknown }): void {
  for (const name of ['scaleGradByFreq', 'sparse'] as const) {
    const v = o[name];
    if (v === undefined || v === null) continue;
    if (checkBoolean(where, name, v)) throw rangeError(where, `${name} false (not implemented in kiln)`, name, v);
  }
}

/** Checks maxNorm (null or a positive number) and normType (a finite number). */
export function checkMaxNorm(where: string, o: { maxNorm?: unknown; normType?: unknown }): { maxNorm: number | null; normType: number } {
  const normType = checkNumber(where, 'normType', o.normType ?? 2);
  if (o.maxNorm === undefined || o.maxNorm === null) return { maxNorm: null, normType };
  const maxNorm = checkNumber(where, 'maxNorm', o.maxNorm);
  if (!(maxNorm > 0)) throw rangeError(where, 'a positive number', 'maxNorm', maxNorm);
  return { maxNorm, normType };
}

/**
 * PyTorch's embedding_renorm_: each distinct looked-up row whose p-norm exceeds maxNorm is
 * scaled in place by maxNorm / (norm + 1e-7). Not recorded by autograd.
 */
function renorm(w: Float32Array, ids: Int32Array, E: number, maxNorm: number, p: number): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const base = id * E;
    let norm = 0;
    if (p === Infinity) for (let c = 0; c < E; c++) norm = Math.max(norm, Math.abs(w[base + c]));
    else if (p === 0) for (let c = 0; c < E; c++) norm += w[base + c] !== 0 ? 1 : 0;
    else {
      for (let c = 0; c < E; c++) norm += Math.abs(w[base + c]) ** p;
      norm = norm ** (1 / p);
    }
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let c = 0; c < E; c++) w[base + c] *= scale;
    }
  }
}

/**
 * Embedding lookup, as torch.nn.functional.embedding: out[..., :] = weight[ids[...], :], a
 * gather of rows. The weight's gradient is the scatter-add of the output's gradient into the
 * rows the ids named (repeated ids add up), deterministic whatever the thread count; the
 * paddingIdx row gets none. Both run natively.
 * @param input integer ids of any shape, each in [0, numEmbeddings): a Tensor holding integers
 *   (exact to 2^24), an Int32Array (1-D) or a nested number[]
 * @param weight (numEmbeddings, embeddingDim)
 * @param opts `{ paddingIdx = null, maxNorm = null, normType = 2, scaleGradByFreq = false, sparse = false }`;
 *   with maxNorm, the looked-up rows of weight are renormalised in place first, as PyTorch's
 * @returns a Tensor of shape [...ids.shape, embeddingDim]
 * @throws TypeError for a non-Tensor weight, ids of another type or a non-number id; RangeError
 *   for a weight that is not 2-D, a non-integer or out-of-range id (naming it), a paddingIdx
 *   outside [-numEmbeddings, numEmbeddings), a non-positive maxNorm, or scaleGradByFreq or
 *   sparse set (not implemented).
 * @example const vectors = F.embedding([[1, 2], [3, 0]], weight, { paddingIdx: 0 }); // [2, 2, embeddingDim]
 */
export function embedding(input: IndexInput, weight: Tensor, opts?: EmbeddingOptions): Tensor {
  if (arguments.length > 2) expectArity('embedding', arguments, 2, true);
  return embeddingAt('embedding', input, weight, opts);
}

/** F.embedding naming `where` in its errors: its module's forward calls it. @internal */
export function embeddingAt(where: string, input: IndexInput, weight: Tensor, opts?: EmbeddingOptions, inputName = 'input'): Tensor {
  checkTensor(where, 'weight', weight);
  const o = checkOptions(where, opts, ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
  if (weight.ndim !== 2) throw shapeError(where, 'a 2-D weight (numEmbeddings, embeddingDim)', 'weight', weight.shape);
  const [V, E] = weight.shape;
  const pad = paddingRow(where, o.paddingIdx, V);
  const { maxNorm, normType } = checkMaxNorm(where, o);
  refuseUnimplemented(where, o);
  const { ids, shape } = readIndices(where, inputName, input, V, { number: 'an id (a number)', integer: 'integer ids', range: `ids in [0, ${V})` });
  const n = ids.length;
  const outShape = [...shape, E];
  if (n * E > 2 ** 31 - 1) throw shapeError(where, 'at most 2^31-1 elements', 'the output', outShape);
  if (maxNorm !== null) renorm(weight.data, ids, E, maxNorm, normType);
  const out = new Float32Array(n * E);
  native.embeddingForward(out, weight.data, ids, n, V, E);
  return fromOp(out, outShape, [weight], 'embedding', (g) => {
    const dw = new Float32Array(V * E);
    native.embeddingBackward(dw, g, ids, n, V, E, pad);
    return [freshGrad(dw)];
  });
}
