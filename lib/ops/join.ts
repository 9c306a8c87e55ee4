// Joining and splitting: cat, stack, split and chunk. cat writes each input into its place in
// the result through a position map, and its backward reads each input's gradient back through
// the same map; split and chunk are narrows.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { MAX_NUMEL, checkShape, formatShape, normalizeDim, numelOf } from '../shape';
import { checkInt, describe, rangeError, typeError } from '../errors';
import { buildMap, ramp, stridesOf } from './common';
import { dimOf, narrow } from './index_ops';
import { unsqueeze } from './view';
import { rangeErrorText } from '../errors';

function tensorList(at: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors)) throw typeError(at, 'an array of Tensors', 'tensors', tensors);
  if (tensors.length === 0) throw rangeError(at, 'a non-empty array of Tensors', 'tensors', tensors);
  return tensors.map((t, i) => checkTensor(at, `tensors[${i}]`, t));
}

/**
 * Concatenates tensors along `dim`; all have the same shape outside it, as torch.cat (which
 * also skips legacy 1-D empty tensors of shape [0]).
 */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  const at = 'cat';
  const ts = tensorList(at, tensors);
  const used = ts.map((t) => !(t.ndim === 1 && t.shape[0] === 0));
  const first = used.indexOf(true);
  if (first < 0) {
    normalizeDim(at, dim, 1);
    return fromOp(new Float32Array(0), [0], ts, 'cat', () => ts.map(() => null));
  }
  const ref = ts[first];
  if (ref.ndim === 0) throw rangeError(at, 'Tensors with at least 1 dimension (a 0-d tensor cannot be concatenated)', `tensors[${first}]`, ref);
  const d = normalizeDim(at, dim, ref.ndim);
  let total = 0;
  ts.forEach((t, i) => {
    if (!used[i]) return;
    const ok = t.ndim === ref.ndim && t.shape.every((s, j) => j === d || s === ref.shape[j]);
    if (!ok) {
      const want = ref.shape.map((s, j) => (j === d ? '*' : String(s))).join(', ');
      throw rangeErrorText(at, `a Tensor of shape [${want}] (as tensors[${first}] outside dim ${d})`, `tensors[${i}]`, `${describe(t)}`);
    }
    total += t.shape[d];
  });
  const outShape = checkShape(at, ref.shape.map((s, j) => (j === d ? total : s)), 'the result shape');
  const strides = stridesOf(outShape);
  const out = new Float32Array(numelOf(outShape));
  let offset = 0;
  const maps = ts.map((t, i) => {
    if (!used[i]) return null;
    const map = buildMap(t.shape, t.shape.map((s, j) => ramp(s, strides[j])), offset * strides[d]);
    offset += t.shape[d];
    const x = t.data;
    for (let k = 0; k < map.length; k++) out[map[k]] = x[k];
    return map;
  });
  return fromOp(out, outShape, ts, 'cat', (g) =>
    ts.map((t, i) => {
      const map = maps[i];
      if (!map || !t.requiresGrad) return null;
      const gx = new Float32Array(map.length);
      for (let k = 0; k < map.length; k++) gx[k] = g[map[k]];
      return gx;
    }),
  );
}

/** Joins same-shaped tensors along a new dimension `dim`, as torch.stack. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  const at = 'stack';
  const ts = tensorList(at, tensors);
  const d = normalizeDim(at, dim, ts[0].ndim + 1);
  ts.forEach((t, i) => {
    if (t.ndim !== ts[0].ndim || t.shape.some((s, j) => s !== ts[0].shape[j])) {
      throw rangeErrorText(at, `a Tensor of shape ${formatShape(ts[0].shape)} (as tensors[0])`, `tensors[${i}]`, `${describe(t)}`);
    }
  });
  return cat(ts.map((t) => unsqueeze(t, d)), d);
}

/**
 * Splits into pieces of `splitSizeOrSections` along `dim` (the last may be smaller), or into
 * pieces of the given sizes, which must sum to the dimension's size, as torch.split.
 */
export function split(t: Tensor, splitSizeOrSections: number | number[], dim = 0): Tensor[] {
  const at = 'Tensor.split';
  checkTensor(at, 'input', t);
  const d = dimOf(at, t, dim);
  const size = t.shape[d];
  let sizes: number[];
  if (typeof splitSizeOrSections === 'number') {
    checkInt(at, 'splitSizeOrSections', splitSizeOrSections, size === 0 ? 0 : 1, MAX_NUMEL);
    const step = splitSizeOrSections;
    sizes = [];
    if (size === 0) sizes.push(0);
    for (let s = 0; s < size; s += step) sizes.push(Math.min(step, size - s));
  } else if (Array.isArray(splitSizeOrSections)) {
    splitSizeOrSections.forEach((s, i) => checkInt(at, `splitSizeOrSections[${i}]`, s, 0, MAX_NUMEL));
    const sum = splitSizeOrSections.reduce((a, b) => a + b, 0);
    if (sum !== size) throw rangeError(at, `sizes that sum to ${size} (the size of dim ${d})`, 'splitSizeOrSections', splitSizeOrSections);
    sizes = splitSizeOrSections.slice();
  } else {
    throw typeError(at, 'an integer or an array of integers', 'splitSizeOrSections', splitSizeOrSections);
  }
  let start = 0;
  return sizes.map((len) => {
    const piece = narrow(t, d, start, len, at);
    start += len;
    return piece;
  });
}

/** Splits into `chunks` pieces of ceil(size / chunks) along `dim` (fewer when they run out), as torch.chunk. */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  const at = 'Tensor.chunk';
  checkTensor(at, 'input', t);
  checkInt(at, 'chunks', chunks, 1, MAX_NUMEL);
  const d = dimOf(at, t, dim);
  const size = t.shape[d];
  if (size === 0) return Array.from({ length: chunks }, () => narrow(t, d, 0, 0, at));
  return split(t, Math.ceil(size / chunks), d);
}
