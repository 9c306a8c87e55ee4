// Selection and indexing: narrow, slice, select, indexSelect, gather, scatter, scatterAdd,
// maskedFill, expand and repeat. Most are one walk: out[i] = x[map[i]], whose backward adds
// g[i] into gx[map[i]] (so repeated positions accumulate, as index_select's index_add).
import { Tensor, fromOp, checkTensor } from '../tensor';
import { MAX_NUMEL, checkShape, formatShape, normalizeDim } from '../shape';
import { checkFloat32, checkInt, rangeError, typeError } from '../errors';
import { Indices, broadcastAll, buildMap, indexArg, ramp, sizesArg, stridesOf, sumTo } from './common';
import { rangeErrorText } from '../errors';

const ANY_INT = MAX_NUMEL;

/** out[i] = x[map[i]] in `outShape`; the gradient adds back through the map. */
export function takeMap(t: Tensor, outShape: number[], map: Int32Array, name: string): Tensor {
  const x = t.data;
  const out = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = x[map[i]];
  return fromOp(out, outShape, [t], name, (g) => {
    const gx = new Float32Array(x.length);
    for (let i = 0; i < map.length; i++) gx[map[i]] += g[i];
    return [gx];
  });
}

/** A dimension of a tensor with at least one dimension (narrow, select and the like cannot apply to a 0-d tensor). */
export function dimOf(at: string, t: Tensor, dim: unknown, name = 'dim'): number {
  const d = normalizeDim(at, dim, t.ndim, name);
  if (t.ndim === 0) throw rangeErrorText(at, 'a tensor with at least 1 dimension', 'input', 'shape []');
  return d;
}

/** Elements start, start + step, ... (count of them) along dim d. */
function stepSlice(t: Tensor, d: number, start: number, count: number, step: number, name: string): Tensor {
  const strides = stridesOf(t.shape);
  const outShape = t.shape.slice();
  outShape[d] = count;
  const contrib = outShape.map((s, i) => (i === d ? ramp(count, strides[i], start, step) : ramp(s, strides[i])));
  return takeMap(t, outShape, buildMap(outShape, contrib), name);
}

/** `length` elements from `start` along `dim` (start may be negative), as torch.narrow. */
export function narrow(t: Tensor, dim: number, start: number, length: number, at = 'Tensor.narrow'): Tensor {
  checkTensor(at, 'input', t);
  const d = dimOf(at, t, dim);
  const size = t.shape[d];
  checkInt(at, 'start', start, -size, size);
  checkInt(at, 'length', length, 0, MAX_NUMEL);
  const s = start < 0 ? start + size : start;
  if (s + length > size) throw rangeError(at, `a length of at most ${size - s} (start ${s} + length must not pass the size ${size} of dim ${d})`, 'length', length);
  return stepSlice(t, d, s, length, 1, 'narrow');
}

/**
 * Python's x[start:end:step] along `dim`: negative start/end count from the end, and both are
 * clamped to [0, size]; step > 0.
 */
export function slice(t: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const at = 'Tensor.slice';
  checkTensor(at, 'input', t);
  const d = dimOf(at, t, dim);
  const size = t.shape[d];
  const clampIdx = (v: number | null | undefined, name: string, dflt: number) => {
    if (v === undefined || v === null) return dflt;
    checkInt(at, name, v, -ANY_INT, ANY_INT);
    return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  };
  const s = clampIdx(start, 'start', 0);
  const e = clampIdx(end, 'end', size);
  checkInt(at, 'step', step, 1, MAX_NUMEL);
  const count = e > s ? Math.ceil((e - s) / step) : 0;
  return stepSlice(t, d, s, count, step, 'slice');
}

/** The slice at `index` along `dim`, that dimension removed (index may be negative), as torch.select. */
export function select(t: Tensor, dim: number, index: number, at = 'Tensor.select'): Tensor {
  checkTensor(at, 'input', t);
  const d = dimOf(at, t, dim);
  const size = t.shape[d];
  if (typeof index !== 'number') throw typeError(at, 'an integer', 'index', index);
  if (!Number.isInteger(index) || index < -size || index >= size) throw rangeError(at, size === 0 ? `no index (dim ${d} is empty)` : `an integer in [${-size}, ${size - 1}]`, 'index', index);
  const y = stepSlice(t, d, index < 0 ? index + size : index, 1, 1, 'select');
  const shape = t.shape.filter((_, i) => i !== d);
  return fromOp(y.data, shape, [y], 'select', (g) => [g]);
}

/** The entries at `index` (a 1-D integer list) along `dim`, as torch.index_select. */
export function indexSelect(t: Tensor, dim: number, index: Indices, at = 'Tensor.indexSelect'): Tensor {
  checkTensor(at, 'input', t);
  const d = dimOf(at, t, dim);
  const { idx, shape } = indexArg(at, 'index', index, 0, t.shape[d] - 1, ` (positions along dim ${d} of input ${formatShape(t.shape)})`);
  if (shape.length > 1) throw rangeError(at, 'a 1-D index (torch: Index is supposed to be a vector)', 'index', index);
  const strides = stridesOf(t.shape);
  const outShape = t.shape.slice();
  outShape[d] = idx.length;
  checkShape(at, outShape, 'the result shape');
  const contrib = outShape.map((s, i) => (i === d ? idx.map((k) => k * strides[d]) : ramp(s, strides[i])));
  return takeMap(t, outShape, buildMap(outShape, contrib), 'indexSelect');
}

/**
 * For every position p of `index`, the flat position in a tensor of shape `shape` that p points
 * at: p with its coordinate along d replaced by index[p].
 */
function indexTargets(shape: number[], d: number, idxShape: number[], idx: Int32Array): Int32Array {
  const strides = stridesOf(shape);
  const contrib = idxShape.map((s, i) => (i === d ? new Int32Array(s) : ramp(s, strides[i])));
  const map = buildMap(idxShape, contrib);
  for (let i = 0; i < map.length; i++) map[i] += idx[i] * strides[d];
  return map;
}

function checkIndexShape(at: string, t: Tensor, d: number, idxShape: number[], index: unknown, src?: Tensor): void {
  if (idxShape.length !== t.ndim) {
    throw rangeError(at, `an index with as many dimensions as input (${t.ndim})`, 'index', index);
  }
  for (let i = 0; i < t.ndim; i++) {
    if (i !== d && idxShape[i] > t.shape[i]) {
      throw rangeErrorText(at, `index no larger than input ${formatShape(t.shape)} outside dim ${d}`, 'index', `shape ${formatShape(idxShape)}`);
    }
    if (src && idxShape[i] > src.shape[i]) {
      throw rangeErrorText(at, `index no larger than src ${formatShape(src.shape)} in any dimension`, 'index', `shape ${formatShape(idxShape)}`);
    }
  }
}

/** out[p] = x[p with its coordinate along dim replaced by index[p]], as torch.gather. */
export function gather(t: Tensor, dim: number, index: Indices, at = 'Tensor.gather'): Tensor {
  checkTensor(at, 'input', t);
  const d = dimOf(at, t, dim);
  const { idx, shape } = indexArg(at, 'index', index, 0, t.shape[d] - 1, ` (positions along dim ${d} of input ${formatShape(t.shape)})`);
  checkIndexShape(at, t, d, shape, index);
  return takeMap(t, shape, indexTargets(t.shape, d, shape, idx), 'gather');
}

function scatterImpl(add: boolean, t: Tensor, dim: number, index: Indices, src: Tensor | number, at: string): Tensor {
  checkTensor(at, 'input', t);
  const d = dimOf(at, t, dim);
  let S: Tensor | null = null;
  let value = 0;
  if (typeof src === 'number' && !add) value = checkFloat32(at, 'src', src);
  else if (!(src instanceof Tensor)) throw typeError(at, add ? 'a Tensor' : 'a Tensor or a number', 'src', src);
  else {
    S = checkTensor(at, 'src', src);
    if (S.ndim !== t.ndim) throw rangeError(at, `a src with as many dimensions as input (${t.ndim})`, 'src', src);
  }
  const { idx, shape } = indexArg(at, 'index', index, 0, t.shape[d] - 1, ` (positions along dim ${d} of input ${formatShape(t.shape)})`);
  checkIndexShape(at, t, d, shape, index, S ?? undefined);
  const targets = indexTargets(t.shape, d, shape, idx);
  const srcPos = S ? buildMap(shape, shape.map((s, i) => ramp(s, stridesOf(S!.shape)[i]))) : null;
  const out = t.data.slice();
  for (let i = 0; i < targets.length; i++) {
    const v = S ? S.data[srcPos![i]] : value;
    if (add) out[targets[i]] += v;
    else out[targets[i]] = v;
  }
  const inputs = S ? [t, S] : [t];
  return fromOp(out, t.shape.slice(), inputs, add ? 'scatterAdd' : 'scatter', (g) => {
    let gx: Float32Array | null = null;
    if (t.requiresGrad) {
      gx = g;
      if (!add) {
        // Overwritten positions take nothing back to input (grad.scatter(dim, index, 0)).
        gx = g.slice();
        for (let i = 0; i < targets.length; i++) gx[targets[i]] = 0;
      }
    }
    if (!S || !S.requiresGrad) return [gx, null];
    // src: grad.gather(dim, index), zero where index does not reach.
    const gs = new Float32Array(S.numel);
    for (let i = 0; i < targets.length; i++) gs[srcPos![i]] = g[targets[i]];
    return [gx, gs];
  });
}

/** Out-of-place torch.scatter: a copy of input with out[p with dim -> index[p]] = src[p] (or value). */
export function scatter(t: Tensor, dim: number, index: Indices, src: Tensor | number, at = 'Tensor.scatter'): Tensor {
  return scatterImpl(false, t, dim, index, src, at);
}

/** Out-of-place torch.scatter_add: a copy of input with src[p] added at p with dim -> index[p]. */
export function scatterAdd(t: Tensor, dim: number, index: Indices, src: Tensor, at = 'Tensor.scatterAdd'): Tensor {
  return scatterImpl(true, t, dim, index, src, at);
}

/** value where mask is non-zero, input elsewhere (mask and input broadcast), as torch.masked_fill. */
export function maskedFill(t: Tensor, mask: Tensor, value: number, at = 'Tensor.maskedFill'): Tensor {
  checkTensor(at, 'input', t);
  if (!(mask instanceof Tensor)) throw typeError(at, 'a Tensor', 'mask', mask);
  checkTensor(at, 'mask', mask);
  if (typeof value !== 'number') throw typeError(at, 'a number', 'value', value);
  if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) throw rangeError(at, 'NaN, +-Infinity or a number in float32 range', 'value', value);
  const { shape, n, maps } = broadcastAll(at, [t, mask], ['input', 'mask']);
  const [ix, im] = maps;
  const out = new Float32Array(n);
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    keep[i] = (im ? mask.data[im[i]] : mask.data[i]) === 0 ? 1 : 0;
    out[i] = keep[i] ? (ix ? t.data[ix[i]] : t.data[i]) : value;
  }
  return fromOp(out, shape, [t], 'maskedFill', (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) if (keep[i]) gx[i] = g[i];
    return [sumTo(gx, ix, t.numel)];
  });
}

/**
 * Input broadcast to `sizes` (-1 keeps a size; new leading dimensions may be added), as
 * torch.expand. A copy, since kiln tensors are contiguous; the gradient sums back.
 */
export function expand(t: Tensor, ...sizes: (number | number[])[]): Tensor {
  const at = 'Tensor.expand';
  checkTensor(at, 'input', t);
  const s = sizesArg(at, 'sizes', sizes);
  if (s.length < t.ndim) throw rangeError(at, `at least ${t.ndim} sizes (the input's dimensions)`, 'sizes', s);
  const lead = s.length - t.ndim;
  const outShape = s.map((v, i) => {
    if (!Number.isInteger(v) || v < -1) throw rangeError(at, 'integer sizes >= 0, or -1 to keep a size', 'sizes', s);
    if (i < lead) {
      if (v === -1) throw rangeError(at, `sizes >= 0 for the ${lead} new leading dimensions (-1 is not allowed there)`, 'sizes', s);
      return v;
    }
    const cur = t.shape[i - lead];
    if (v === -1) return cur;
    if (cur !== 1 && v !== cur) throw rangeErrorText(at, `size ${cur} (or -1) at dimension ${i}`, 'sizes', `${v}: only dimensions of size 1 expand (input shape ${formatShape(t.shape)})`);
    return v;
  });
  checkShape(at, outShape, 'sizes');
  const strides = stridesOf(t.shape);
  const contrib = outShape.map((v, i) => (i < lead || t.shape[i - lead] === 1 ? new Int32Array(v) : ramp(v, strides[i - lead])));
  return takeMap(t, outShape, buildMap(outShape, contrib), 'expand');
}

/** Input tiled `sizes[i]` times along each dimension (leading ones added), as torch.Tensor.repeat. */
export function repeat(t: Tensor, ...sizes: (number | number[])[]): Tensor {
  const at = 'Tensor.repeat';
  checkTensor(at, 'input', t);
  const s = sizesArg(at, 'sizes', sizes);
  if (s.length < t.ndim) throw rangeError(at, `at least ${t.ndim} sizes (the input's dimensions)`, 'sizes', s);
  for (const v of s) if (!Number.isInteger(v) || v < 0) throw rangeError(at, 'non-negative integer sizes', 'sizes', s);
  const padded = [...new Array<number>(s.length - t.ndim).fill(1), ...t.shape];
  const outShape = checkShape(at, padded.map((p, i) => p * s[i]), 'sizes');
  const strides = stridesOf(padded);
  const contrib = outShape.map((v, i) => {
    const a = new Int32Array(v);
    for (let k = 0; k < v; k++) a[k] = (k % padded[i]) * strides[i];
    return a;
  });
  return takeMap(t, outShape, buildMap(outShape, contrib), 'repeat');
}
