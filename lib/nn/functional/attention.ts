// F.scaledDotProductAttention: Q K^T and P V on the native sgemm, the scale, masks, softmax and
// its backward in one fused native kernel (native/kernels/attention.h).
import { Tensor, fromOp, checkTensor, freshGrad, isGradEnabled, zeros } from '../../tensor';
import { broadcastShapes, formatShape, numelOf, sameShape } from '../../shape';
import { Generator, generatorFrom } from '../../random';
import { checkBoolean, checkOptions, describe, typeError } from '../../errors';
import { expectArity } from '../../options';
import { native } from '../../native';
import { rangeError, rangeErrorText, shapeError } from '../../errors';

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductAttentionOptions {
  /**
   * [none] a float mask added to the scaled scores, broadcastable to (..., L, S): 0 keeps a
   * position, -Infinity blocks it (kiln has no boolean tensors). It may require grad.
   */
  attnMask?: Tensor | null;
  /** [0] the probability that an attention weight is zeroed (the rest scaled by 1/(1-p)). */
  dropoutP?: number;
  /** [false] adds the causal mask: query i attends to keys j <= i (-Infinity above the diagonal). */
  isCausal?: boolean;
  /** [1 / sqrt(E)] the factor the scores q k^T are multiplied by. */
  scale?: number;
  /** The stream the dropout mask is drawn from [the default generator]. */
  generator?: Generator;
}

/** The checked options of the attention weights. @internal */
export interface AttentionWeightsOptions {
  mask: Tensor | null;
  dropoutP: number;
  causal: boolean;
  scale: number;
  generator: Generator;
}

/**
 * Checks a dropout probability for attention: a number in [0, 1] (1 zeroes every weight, as
 * PyTorch's dropout).
 * @internal
 */
export function checkAttentionDropout(where: string, name: string, p: unknown): number {
  if (typeof p !== 'number') throw typeError(where, 'a number', name, p);
  if (!(p >= 0 && p <= 1)) throw rangeError(where, 'a number in [0, 1]', name, p);
  return p;
}

/**
 * The attention weights P = dropout(softmax(scale * q k^T + mask + causal)) of q (..., L, E)
 * and k (..., S, E) with equal leading dimensions: one autograd node, (..., L, S), whose
 * backward gives q's, k's and the mask's gradients. The mask must broadcast to (..., L, S).
 * A row whose every score is -Infinity is NaN, as PyTorch's softmax.
 * @internal
 */
export function attentionWeights(where: string, q: Tensor, k: Tensor, o: AttentionWeightsOptions): Tensor {
  const lead = q.shape.slice(0, -2);
  const [L, E] = q.shape.slice(-2);
  const S = k.shape[k.ndim - 2];
  const B = numelOf(lead);
  const full = [...lead, L, S];
  const { scale, causal, dropoutP } = o;
  let mask = o.mask;
  let BM = 1;
  if (mask !== null) {
    const b = broadcastShapes(where, mask.shape, full, ['attnMask', 'attention scores']);
    if (!sameShape(b, full)) {
      throw shapeError(where, `a shape broadcastable to the scores' shape ${formatShape(full)}`, 'attnMask', mask.shape);
    }
    if (mask.numel === L * S) BM = 1;
    else {
      // A partial broadcast (say (N, 1, L, S) over N heads): expanded once, through autograd.
      if (mask.numel !== B * L * S) mask = mask.add(zeros(full));
      BM = B;
    }
  }
  const probs = new Float32Array(B * L * S);
  for (let b = 0; b < B; b++) {
    native.sgemm(probs.subarray(b * L * S, (b + 1) * L * S), q.data.subarray(b * L * E, (b + 1) * L * E), k.data.subarray(b * S * E, (b + 1) * S * E), L, S, E, false, true, 0);
  }
  native.attentionSoftmaxForward(probs, probs, mask === null ? null : mask.data, B, L, S, BM, scale, causal);
  let out = probs;
  let keep: Float32Array | null = null;
  if (dropoutP > 0 && probs.length > 0) {
    out = new Float32Array(probs.length);
    const needGrad = isGradEnabled() && (q.requiresGrad || k.requiresGrad || (mask?.requiresGrad ?? false));
    keep = needGrad ? new Float32Array(probs.length) : null;
    const g = o.generator;
    const offset = dropoutP < 1 ? g.take(probs.length) : 0;
    native.dropoutForward(out, keep, probs, dropoutP, g.seed, offset);
  }
  const m = mask;
  const inputs = m === null ? [q, k] : [q, k, m];
  return fromOp(out, full, inputs, 'scaledDotProductAttention', (grad) => {
    let dprobs = grad;
    if (keep !== null) {
      dprobs = new Float32Array(grad.length);
      native.dropoutBackward(dprobs, grad, keep);
    }
    // dz: the gradient of the softmax's input scale * q k^T + mask.
    const dz = new Float32Array(B * L * S);
    native.attentionSoftmaxBackward(dz, probs, dprobs, B * L, S);
    let dq: Float32Array | null = null;
    let dk: Float32Array | null = null;
    if (q.requiresGrad) {
      dq = new Float32Array(q.numel);
      for (let b = 0; b < B; b++) {
        native.sgemm(dq.subarray(b * L * E, (b + 1) * L * E), dz.subarray(b * L * S, (b + 1) * L * S), k.data.subarray(b * S * E, (b + 1) * S * E), L, E, S, false, false, 0);
      }
      for (let i = 0; i < dq.length; i++) dq[i] *= scale;
      freshGrad(dq);
    }
    if (k.requiresGrad) {
      dk = new Float32Array(k.numel);
      for (let b = 0; b < B; b++) {
        native.sgemm(dk.subarray(b * S * E, (b + 1) * S * E), dz.subarray(b * L * S, (b + 1) * L * S), q.data.subarray(b * L * E, (b + 1) * L * E), S, E, L, true, false, 0);
      }
      for (let i = 0; i < dk.length; i++) dk[i] *= scale;
      freshGrad(dk);
    }
    if (m === null) return [dq, dk];
    let dm: Float32Array | null = null;
    if (m.requiresGrad) {
      if (BM === B) dm = dz;
      else {
        // One (L, S) mask shared by every batch: the sum over the batches.
        dm = new Float32Array(L * S);
        for (let b = 0; b < B; b++) for (let i = 0; i < L * S; i++) dm[i] += dz[b * L * S + i];
      }
    }
    return [dq, dk, dm];
  });
}

/**
 * Scaled dot-product attention (Vaswani et al. 2017, "Attention is all you need"), as PyTorch
 * 2.x's torch.nn.functional.scaled_dot_product_attention:
 * out = dropout(softmax(q k^T * scale + attnMask + causal)) v, over the last two dimensions,
 * batched over the leading ones. The softmax is fused with the scale and the masks in one
 * numerically stable native kernel (row max subtracted), with its own backward; the products
 * run on sgemm.
 *
 * Masks are float, added to the scores (0 keeps, -Infinity blocks); PyTorch's boolean masks
 * are not in kiln. `isCausal` adds the upper-triangular -Infinity mask (query i sees keys
 * j <= i); given with attnMask, both apply (PyTorch 2.x refuses the pair). A row whose every
 * score is blocked gives NaN, as PyTorch. Dropout applies whenever dropoutP > 0 (pass
 * `model.training ? p : 0`), drawn from kiln's seeded generator.
 * @param q the queries, (..., L, E).
 * @param k the keys, (..., S, E), with q's leading dimensions.
 * @param v the values, (..., S, Ev), with q's leading dimensions.
 * @param opts `{ attnMask?, dropoutP = 0, isCausal = false, scale = 1 / sqrt(E), generator? }`
 * @returns (..., L, Ev)
 * @throws TypeError for a non-Tensor, options that are not an object, an unknown option, a
 *   non-number dropoutP or scale, a non-boolean isCausal or a surplus argument; RangeError
 *   naming the shapes when q, k, v or attnMask do not fit, for dropoutP outside [0, 1] or a
 *   non-finite scale.
 * @example
 * const out = F.scaledDotProductAttention(q, k, v, { isCausal: true }); // q, k, v: (N, H, L, 16)
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts?: ScaledDotProductAttentionOptions): Tensor {
  if (arguments.length > 3) expectArity('scaledDotProductAttention', arguments, 3, true);
  return scaledDotProductAttentionAt('scaledDotProductAttention', q, k, v, opts);
}

/** Checks q, k, v: at least 2-D, equal leading dimensions, matching E and S. @internal */
export function checkQkv(where: string, q: Tensor, k: Tensor, v: Tensor): void {
  checkTensor(where, 'query', q);
  checkTensor(where, 'key', k);
  checkTensor(where, 'value', v);
  for (const [name, t] of [['query', q], ['key', k], ['value', v]] as const) {
    if (t.ndim < 2) throw shapeError(where, 'at least 2 dimensions (..., L, E)', name, t.shape);
  }
  const shapes = `query ${formatShape(q.shape)}, key ${formatShape(k.shape)}, value ${formatShape(v.shape)}`;
  if (k.ndim !== q.ndim || v.ndim !== q.ndim || !sameShape(q.shape.slice(0, -2), k.shape.slice(0, -2)) || !sameShape(q.shape.slice(0, -2), v.shape.slice(0, -2))) {
    throw rangeErrorText(where, 'the same leading dimensions', 'query, key and value', shapes);
  }
  if (k.shape[k.ndim - 1] !== q.shape[q.ndim - 1]) throw rangeErrorText(where, "a last dimension equal to query's (E)", 'key', shapes);
  if (v.shape[v.ndim - 2] !== k.shape[k.ndim - 2]) throw rangeErrorText(where, 'as many rows as key (S)', 'value', shapes);
}

/** F.scaledDotProductAttention naming `where` in its errors. @internal */
export function scaledDotProductAttentionAt(where: string, q: Tensor, k: Tensor, v: Tensor, opts?: ScaledDotProductAttentionOptions): Tensor {
  checkQkv(where, q, k, v);
  const o = checkOptions(where, opts, ['attnMask', 'dropoutP', 'isCausal', 'scale', 'generator']);
  const mask = o.attnMask ?? null;
  if (mask !== null) checkTensor(where, 'attnMask', mask);
  const dropoutP = checkAttentionDropout(where, 'dropoutP', o.dropoutP ?? 0);
  const causal = checkBoolean(where, 'isCausal', o.isCausal ?? false);
  const E = q.shape[q.ndim - 1];
  // E = 0: scores are all 0 whatever the scale (1, where 1 / sqrt(0) would be infinite).
  let scale = E > 0 ? 1 / Math.sqrt(E) : 1;
  if (o.scale !== undefined && o.scale !== null) {
    if (typeof o.scale !== 'number') throw typeError(where, 'a number', 'scale', o.scale);
    if (!Number.isFinite(o.scale)) throw rangeError(where, 'a finite number', 'scale', o.scale);
    scale = o.scale;
  }
  const generator = generatorFrom(where, o);
  const p = attentionWeights(where, q, k, { mask, dropoutP, causal, scale, generator });
  return p.matmul(v);
}
