// torch.nn.MultiheadAttention (Vaswani et al. 2017), PyTorch 1.13's multi_head_attention_forward
// for equal query/key/value sizes, on the fused attention weights of ./functional/attention.ts.
import { Tensor, fromOp, checkTensor, zeros } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { Linear } from './linear';
import { linearAt } from './functional/linear';
import { attentionWeights, checkAttentionDropout } from './functional/attention';
import { checkBoolean, checkInt, checkOptions, rangeError, typeError } from '../errors';
import { expectArity } from '../options';
import { Generator, generatorFrom } from '../random';
import { xavierUniform } from './init/scaled';
import { checkShape, formatShape, sameShape } from '../shape';
import { rangeErrorText } from '../errors';

/** Options of {@link MultiheadAttention}'s constructor. */
export interface MultiheadAttentionOptions {
  /** [0] dropout probability on the attention weights, in training. */
  dropout?: number;
  /** [true] whether the input and output projections have biases. */
  bias?: boolean;
  /** [false] inputs and outputs are (N, L, E) instead of (L, N, E). */
  batchFirst?: boolean;
  /** [embedDim] the keys' feature size; only embedDim is implemented (a RangeError otherwise). */
  kdim?: number;
  /** [embedDim] the values' feature size; only embedDim is implemented (a RangeError otherwise). */
  vdim?: number;
  /** [false] PyTorch's bias_k / bias_v; not implemented (true is a RangeError). */
  addBiasKV?: boolean;
  /** [false] PyTorch's zero attention column; not implemented (true is a RangeError). */
  addZeroAttn?: boolean;
  /** The stream the initial weights and the dropout masks are drawn from [the default generator]. */
  generator?: Generator;
}

/** Options of {@link MultiheadAttention.forward}. */
export interface MultiheadAttentionForwardOptions {
  /**
   * [none] (N, S), or (S) for unbatched input: a float mask added to every head's scores for
   * key s of batch n (0 keeps, -Infinity ignores that key).
   */
  keyPaddingMask?: Tensor | null;
  /** [none] (L, S) or (N * numHeads, L, S) ((numHeads, L, S) unbatched): a float mask added to the scores. */
  attnMask?: Tensor | null;
  /** [true] also return the attention weights; false returns null in their place. */
  needWeights?: boolean;
  /** [true] average the returned weights over the heads: (N, L, S) instead of (N, numHeads, L, S). */
  averageAttnWeights?: boolean;
  /** [false] adds the causal mask (query i sees keys j <= i), with attnMask or without it. */
  isCausal?: boolean;
}

/** Rows [start, start + count) of a tensor along its first dimension, differentiable. */
function rowsOf(t: Tensor, start: number, count: number): Tensor {
  const row = t.numel / t.shape[0];
  const data = t.data.slice(start * row, (start + count) * row);
  return fromOp(data, [count, ...t.shape.slice(1)], [t], 'narrow', (g) => {
    const dt = new Float32Array(t.numel);
    dt.set(g, start * row);
    return [dt];
  });
}

/**
 * Multi-head attention (Vaswani et al. 2017, "Attention is all you need"), as
 * torch.nn.MultiheadAttention: out = concat(head_1, ..., head_h) W_o^T + b_o, where
 * head_i = softmax(q_i k_i^T / sqrt(embedDim / numHeads) + masks) v_i and q, k, v are the
 * input projections of query, key and value by the rows of `in_proj_weight` (W_q; W_k; W_v).
 * Parameters and state-dict keys as PyTorch: `in_proj_weight` (3 embedDim, embedDim) by
 * Xavier-uniform, `in_proj_bias` (3 embedDim) zero, `out_proj.weight` by Linear's default and
 * `out_proj.bias` zero. `outProj` is the same child as `out_proj`.
 *
 * Masks are float Tensors added to the scores; PyTorch's boolean masks are not in kiln. A
 * query whose every key is blocked gives NaN, as PyTorch. In PyTorch 1.13 there is no
 * isCausal; kiln's (as later PyTorch's contract) adds the causal mask itself.
 * @param embedDim the model size E, a multiple of numHeads.
 * @param numHeads the number of heads; each works on embedDim / numHeads features.
 * @param opts `{ dropout = 0, bias = true, batchFirst = false, generator? }`; kdim, vdim other
 *   than embedDim and addBiasKV, addZeroAttn true are refused (not implemented).
 * @throws TypeError for non-number sizes, a non-boolean flag, an unknown option or a surplus
 *   argument; RangeError for sizes that are not positive integers, embedDim not divisible by
 *   numHeads, dropout outside [0, 1] or an unimplemented option.
 * @example
 * const mha = new nn.MultiheadAttention(64, 8, { batchFirst: true });
 * const [out, weights] = mha.forward(x, x, x); // x: (N, L, 64); weights: (N, L, L)
 */
export class MultiheadAttention extends Module {
  /** The model size E. */
  readonly embedDim: number;
  /** The number of heads. */
  readonly numHeads: number;
  /** The size of each head, embedDim / numHeads. */
  readonly headDim: number;
  /** The dropout probability on the attention weights (in training). */
  readonly dropout: number;
  /** Whether inputs and outputs are (N, L, E). */
  readonly batchFirst: boolean;
  /** The stream the dropout masks are drawn from (undefined: the default generator). */
  readonly generator: Generator | undefined;
  /** W_q, W_k, W_v stacked: (3 embedDim, embedDim); key `in_proj_weight`. */
  inProjWeight: Parameter;
  /** b_q, b_k, b_v stacked: (3 embedDim), or null without bias; key `in_proj_bias`. */
  inProjBias: Parameter | null;
  /** The output projection, keys `out_proj.weight` and `out_proj.bias` (PyTorch's child name). */
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    const where = 'MultiheadAttention';
    expectArity(where, arguments, 2, true, [undefined, undefined, 'dropout', 'bias', 'addBiasKV', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst']);
    const o = checkOptions(where, opts, ['dropout', 'bias', 'batchFirst', 'kdim', 'vdim', 'addBiasKV', 'addZeroAttn', 'generator']);
    this.embedDim = checkInt(where, 'embedDim', embedDim, 1, 2 ** 31 - 1);
    this.numHeads = checkInt(where, 'numHeads', numHeads, 1, 2 ** 31 - 1);
    if (embedDim % numHeads !== 0) throw rangeError(where, `an embedDim divisible by numHeads (${numHeads})`, 'embedDim', embedDim);
    this.headDim = embedDim / numHeads;
    this.dropout = checkAttentionDropout(where, 'dropout', o.dropout ?? 0);
    const bias = checkBoolean(where, 'bias', o.bias ?? true);
    this.batchFirst = checkBoolean(where, 'batchFirst', o.batchFirst ?? false);
    for (const name of ['kdim', 'vdim'] as const) {
      const d = o[name];
      if (d !== undefined && d !== null && checkInt(where, name, d, 1, 2 ** 31 - 1) !== embedDim) {
        throw rangeError(where, `embedDim (${embedDim}): separate key/value sizes are not implemented`, name, d);
      }
    }
    for (const name of ['addBiasKV', 'addZeroAttn'] as const) {
      if (checkBoolean(where, name, o[name] ?? false)) throw rangeError(where, 'false (not implemented)', name, true);
    }
    const g = generatorFrom(where, o);
    this.generator = o.generator;
    checkShape(where, [3 * embedDim, embedDim], 'in_proj_weight shape [3 embedDim, embedDim]');
    this.inProjWeight = new Parameter(new Float32Array(3 * embedDim * embedDim), [3 * embedDim, embedDim]);
    this.inProjBias = bias ? new Parameter(new Float32Array(3 * embedDim), [3 * embedDim]) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias, generator: g });
    this.resetParameters(g);
  }

  /** The output projection (the `out_proj` child). */
  get outProj(): Linear {
    return this.out_proj;
  }

  /**
   * PyTorch's _reset_parameters: Xavier-uniform in_proj_weight, zero in_proj_bias and
   * out_proj.bias (out_proj.weight keeps Linear's initialisation).
   * @param generator the stream to draw from [the module's, else the default generator].
   */
  resetParameters(generator?: Generator): void {
    const g = generator ?? generatorFrom('MultiheadAttention', { generator: this.generator });
    xavierUniform(this.inProjWeight, { generator: g });
    if (this.inProjBias) this.inProjBias.data.fill(0);
    if (this.out_proj.bias) this.out_proj.bias.data.fill(0);
  }

  /**
   * Attends from query to key/value. Shapes (E = embedDim, H = numHeads): query (L, N, E), key
   * and value (S, N, E); (N, L, E) and (N, S, E) with batchFirst; unbatched (L, E) and (S, E).
   * @param query the queries.
   * @param key the keys.
   * @param value the values.
   * @param opts `{ keyPaddingMask?, attnMask?, needWeights = true, averageAttnWeights = true, isCausal = false }`
   * @returns `[output, weights]`: output as query; weights (N, L, S) averaged over the heads, or
   *   (N, H, L, S) without averaging ((L, S) / (H, L, S) unbatched), null without needWeights.
   *   The weights are those after dropout, as PyTorch returns them.
   * @throws TypeError for a non-Tensor, a non-boolean flag, an unknown option or a surplus
   *   argument; RangeError naming the shapes when the inputs or masks do not fit.
   * @example const [y] = mha.forward(x, x, x, { attnMask: causalMask, needWeights: false });
   */
  override forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const where = 'MultiheadAttention.forward';
    if (arguments.length > 3) expectArity(where, arguments, 3, true, [undefined, undefined, undefined, 'keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal']);
    checkTensor(where, 'query', query);
    checkTensor(where, 'key', key);
    checkTensor(where, 'value', value);
    const o = checkOptions(where, opts, ['keyPaddingMask', 'attnMask', 'needWeights', 'averageAttnWeights', 'isCausal']);
    return this.forwardAt(where, query, key, value, o);
  }

  /**
   * forward with checked options, naming `where` and the masks as `names` says in its errors
   * (TransformerEncoderLayer's srcMask and srcKeyPaddingMask).
   * @internal
   */
  forwardAt(
    where: string,
    query: Tensor,
    key: Tensor,
    value: Tensor,
    o: MultiheadAttentionForwardOptions,
    names: { attnMask: string; keyPaddingMask: string } = { attnMask: 'attnMask', keyPaddingMask: 'keyPaddingMask' },
  ): [Tensor, Tensor | null] {
    const needWeights = checkBoolean(where, 'needWeights', o.needWeights ?? true);
    const average = checkBoolean(where, 'averageAttnWeights', o.averageAttnWeights ?? true);
    const causal = checkBoolean(where, 'isCausal', o.isCausal ?? false);
    const kpm = o.keyPaddingMask ?? null;
    const am = o.attnMask ?? null;
    if (kpm !== null) checkTensor(where, names.keyPaddingMask, kpm);
    if (am !== null) checkTensor(where, names.attnMask, am);
    const E = this.embedDim;
    const H = this.numHeads;
    const shapes = () => `query ${formatShape(query.shape)}, key ${formatShape(key.shape)}, value ${formatShape(value.shape)}`;
    const batched = query.ndim === 3;
    if (query.ndim !== 2 && query.ndim !== 3) throw rangeErrorText(where, 'a 2-D (unbatched) or 3-D tensor', 'query', shapes());
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) throw rangeErrorText(where, 'the same number of dimensions', 'query, key and value', shapes());
    for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (t.shape[t.ndim - 1] !== E) throw rangeErrorText(where, `last dimension embedDim (${E})`, name, shapes());
    }
    if (!sameShape(key.shape, value.shape)) throw rangeErrorText(where, 'the same shape', 'key and value', shapes());
    // To PyTorch's (L, N, E) layout.
    let q = query;
    let k = key;
    let v = value;
    if (!batched) [q, k, v] = [q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1)];
    else if (this.batchFirst) [q, k, v] = [q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)];
    const [L, N] = q.shape;
    const S = k.shape[0];
    if (k.shape[1] !== N) throw rangeErrorText(where, 'the same batch size', 'query, key and value', shapes());

    // Masks: one float (N * H, L, S) or (L, S) mask, added to the scores.
    let mask: Tensor | null = null;
    if (am !== null) {
      const ok3 = batched ? [N * H, L, S] : [H, L, S];
      if (!sameShape(am.shape, [L, S]) && !sameShape(am.shape, ok3)) {
        throw rangeErrorText(where, `shape ${formatShape([L, S])} or ${formatShape(ok3)}`, names.attnMask, `${formatShape(am.shape)} (with ${shapes()})`);
      }
      mask = am;
    }
    if (kpm !== null) {
      const want = batched ? [N, S] : [S];
      if (!sameShape(kpm.shape, want)) throw rangeErrorText(where, `shape ${formatShape(want)}`, names.keyPaddingMask, `${formatShape(kpm.shape)} (with ${shapes()})`);
      // (N, S) -> (N, H, L, S), plus the attention mask, as PyTorch's merge.
      let merged = kpm.reshape([N, 1, 1, S]).add(zeros([N, H, L, S]));
      if (mask !== null) merged = merged.add(mask.ndim === 2 ? mask : mask.reshape([N, H, L, S]));
      mask = merged.reshape([N * H, L, S]);
    }

    // Projections (PyTorch's _in_projection_packed: W_q, W_k, W_v are the rows of in_proj_weight).
    const W = this.inProjWeight;
    const b = this.inProjBias;
    const proj = (x: Tensor, i: number) => linearAt(where, x, rowsOf(W, i * E, E), { bias: b === null ? null : rowsOf(b, i * E, E) });
    const heads = (x: Tensor, len: number) => x.reshape([len, N * H, this.headDim]).transpose(0, 1); // (N H, len, hd)
    const qh = heads(proj(q, 0), L);
    const kh = heads(proj(k, 1), S);
    const vh = heads(proj(v, 2), S);
    const p = this.training ? this.dropout : 0;
    const weights = attentionWeights(where, qh, kh, {
      mask,
      dropoutP: p,
      causal,
      scale: 1 / Math.sqrt(this.headDim),
      generator: generatorFrom(where, { generator: this.generator }),
    });
    const attn = weights.matmul(vh).transpose(0, 1).reshape([L * N, E]); // (L N, E)
    let out = this.out_proj.forward(attn).reshape([L, N, E]);
    if (!batched) out = out.squeeze(1);
    else if (this.batchFirst) out = out.transpose(0, 1);
    if (!needWeights) return [out, null];
    let w = weights.reshape([N, H, L, S]);
    if (average) w = w.mean(1);
    if (!batched) w = w.squeeze(0);
    return [out, w];
  }
}
