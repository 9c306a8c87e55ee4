// Reductions (sum, mean, max, argmax) and the softmax family, with their backward passes.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { normalizeDim, numelOf, splitAt } from '../shape';
import { typeError, rangeError, checkBoolean } from '../errors';
import { rangeErrorText } from '../errors';
import { indexMap } from './binary';

function reduceDims(where: string, t: Tensor, dim: number | number[] | undefined): number[] {
  if (dim === undefined || dim === null) return t.shape.map((_, i) => i);
  const dims = typeof dim === 'number' ? [dim] : dim;
  if (!Array.isArray(dims)) throw typeError(where, 'an integer or an array of integers', 'dim', dim);
  const out = dims.map((d) => normalizeDim(where, d, t.ndim));
  if (new Set(out).size !== out.length) throw rangeError(where, 'distinct dimensions', 'dim', dims);
  return out.sort((a, b) => a - b);
}

function reducedShape(shape: number[], dims: number[], keepDim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepDim) out.push(1);
  });
  return out;
}

const mapCache = new Map<string, Int32Array>();
/** For each input element, the offset of the output element it reduces into. */
function reduceMap(shape: number[], dims: number[]): Int32Array {
  const key = `${shape.join(',')}|${dims.join(',')}`;
  let m = mapCache.get(key);
  if (!m) {
    m = indexMap(reducedShape(shape, dims, true), shape, numelOf(shape));
    if (mapCache.size > 256) mapCache.clear();
    mapCache.set(key, m);
  }
  return m;
}

function sumImpl(where: string, t: Tensor, dim: number | number[] | undefined, keepDim: boolean, scale: (count: number) => number, name: string): Tensor {
  checkTensor(where, 'input', t);
  checkBoolean(where, 'keepDim', keepDim);
  const dims = reduceDims(where, t, dim);
  const outShape = reducedShape(t.shape, dims, keepDim);
  const x = t.data;
  const n = x.length;
  const outN = numelOf(outShape);
  const count = outN === 0 ? 0 : n / outN;
  const k = scale(count);
  const out = new Float32Array(outN);
  if (outN === 1) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i];
    out[0] = s * k;
    return fromOp(out, outShape, [t], name, (g) => [new Float32Array(n).fill(g[0] * k)], []);
  }
  const map = reduceMap(t.shape, dims);
  // Accumulate in float64 for accuracy, as PyTorch's pairwise sums are accurate too.
  const acc = new Float64Array(outN);
  for (let i = 0; i < n; i++) acc[map[i]] += x[i];
  for (let i = 0; i < outN; i++) out[i] = acc[i] * k;
  return fromOp(out, outShape, [t], name, (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = g[map[i]] * k;
    return [gx];
    // sum and mean read no values in their backward (fromOp's `saved`).
  }, []);
}

/** Sum over `dim` (all dimensions when omitted). */
export function sum(t: Tensor, dim?: number | number[], keepDim = false): Tensor {
  return sumImpl('Tensor.sum', t, dim, keepDim, () => 1, 'sum');
}

/** Mean over `dim` (all dimensions when omitted); NaN over zero elements, as PyTorch. */
export function mean(t: Tensor, dim?: number | number[], keepDim = false): Tensor {
  return sumImpl('Tensor.mean', t, dim, keepDim, (c) => 1 / c, 'mean');
}

/**
 * Max over `dim`: the values, with `.values` (itself) and `.indices` attached as
 * torch.max(x, dim) returns them. Without dim: the largest element, a shape-[] tensor.
 */
export function max(t: Tensor, dim?: number, keepDim = false): Tensor & { values: Tensor; indices: Tensor } {
  const where = 'Tensor.max';
  checkTensor(where, 'input', t);
  checkBoolean(where, 'keepDim', keepDim);
  const x = t.data;
  if (t.numel === 0) throw rangeErrorText(where, 'a non-empty tensor', 'input', `shape [${t.shape.join(', ')}]`);
  if (dim === undefined) {
    let best = -Infinity;
    let isNan = false;
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== x[i]) isNan = true;
      if (x[i] > best) best = x[i];
    }
    if (isNan) best = NaN;
    const out = fromOp(new Float32Array([best]), [], [t], 'max', (g) => {
      // PyTorch spreads the gradient evenly over ties.
      let ties = 0;
      for (let i = 0; i < x.length; i++) if (x[i] === best) ties++;
      const gx = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) if (x[i] === best) gx[i] = g[0] / ties;
      return [gx];
    }) as Tensor & { values: Tensor; indices: Tensor };
    out.values = out;
    out.indices = argmax(t);
    return out;
  }
  const d = normalizeDim(where, dim, t.ndim);
  const [outer, size, inner] = splitAt(t.shape, d);
  if (size === 0) throw rangeErrorText(where, `a non-empty dimension ${d}`, 'input', `shape [${t.shape.join(', ')}]`);
  const outShape = reducedShape(t.shape, [d], keepDim);
  const vals = new Float32Array(outer * inner);
  const idx = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * size * inner + i];
      let bi = 0;
      for (let s = 1; s < size; s++) {
        const v = x[(o * size + s) * inner + i];
        if (v > best || (v !== v && best === best)) {
          best = v;
          bi = s;
        }
      }
      vals[o * inner + i] = best;
      idx[o * inner + i] = bi;
    }
  }
  const out = fromOp(vals, outShape, [t], 'max', (g) => {
    const gx = new Float32Array(x.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) gx[(o * size + idx[o * inner + i]) * inner + i] = g[o * inner + i];
    return [gx];
  }) as Tensor & { values: Tensor; indices: Tensor };
  out.values = out;
  out.indices = new Tensor(idx, outShape.slice());
  return out;
}

/** Index of the largest value along `dim` (of the flattened tensor when omitted), as floats. */
export function argmax(t: Tensor, dim?: number, keepDim = false): Tensor {
  const where = 'Tensor.argmax';
  checkTensor(where, 'input', t);
  checkBoolean(where, 'keepDim', keepDim);
  const x = t.data;
  if (t.numel === 0) throw rangeErrorText(where, 'a non-empty tensor', 'input', `shape [${t.shape.join(', ')}]`);
  if (dim === undefined) {
    let bi = 0;
    for (let i = 1; i < x.length; i++) if (x[i] > x[bi] || (x[i] !== x[i] && x[bi] === x[bi])) bi = i;
    return new Tensor(new Float32Array([bi]), keepDim ? t.shape.map(() => 1) : []);
  }
  const d = normalizeDim(where, dim, t.ndim);
  const [outer, size, inner] = splitAt(t.shape, d);
  if (size === 0) throw rangeErrorText(where, `a non-empty dimension ${d}`, 'input', `shape [${t.shape.join(', ')}]`);
  const out = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let best = x[base];
      let bi = 0;
      for (let s = 1; s < size; s++) {
        const v = x[base + s * inner];
        if (v > best || (v !== v && best === best)) {
          best = v;
          bi = s;
        }
      }
      out[o * inner + i] = bi;
    }
  }
  return new Tensor(out, reducedShape(t.shape, [d], keepDim));
}

function softmaxRows(x: Float32Array, out: Float32Array, outer: number, size: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let m = -Infinity;
      for (let s = 0; s < size; s++) m = Math.max(m, x[base + s * inner]);
      if (m === -Infinity) m = 0;
      let z = 0;
      for (let s = 0; s < size; s++) z += Math.exp(x[base + s * inner] - m);
      if (log) {
        const lse = m + Math.log(z);
        for (let s = 0; s < size; s++) out[base + s * inner] = x[base + s * inner] - lse;
      } else {
        for (let s = 0; s < size; s++) out[base + s * inner] = Math.exp(x[base + s * inner] - m) / z;
      }
    }
  }
}

/** softmax(x)_i = exp(x_i - max) / sum_j exp(x_j - max) along `dim`. */
export function softmax(t: Tensor, dim: number): Tensor {
  checkTensor('Tensor.softmax', 'input', t);
  const d = normalizeDim('Tensor.softmax', dim, t.ndim);
  const [outer, size, inner] = splitAt(t.shape, d);
  const y = new Float32Array(t.numel);
  softmaxRows(t.data, y, outer, size, inner, false);
  return fromOp(y, t.shape.slice(), [t], 'softmax', (g) => {
    // dx = y * (g - sum(g * y))
    const gx = new Float32Array(y.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let dot = 0;
        for (let s = 0; s < size; s++) dot += g[base + s * inner] * y[base + s * inner];
        for (let s = 0; s < size; s++) gx[base + s * inner] = y[base + s * inner] * (g[base + s * inner] - dot);
      }
    }
    return [gx];
  });
}

/** log_softmax(x)_i = x_i - logsumexp(x) along `dim`, computed stably. */
export function logSoftmax(t: Tensor, dim: number): Tensor {
  checkTensor('Tensor.logSoftmax', 'input', t);
  const d = normalizeDim('Tensor.logSoftmax', dim, t.ndim);
  const [outer, size, inner] = splitAt(t.shape, d);
  const y = new Float32Array(t.numel);
  softmaxRows(t.data, y, outer, size, inner, true);
  return fromOp(y, t.shape.slice(), [t], 'logSoftmax', (g) => {
    // dx = g - softmax * sum(g)
    const gx = new Float32Array(y.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let sg = 0;
        for (let s = 0; s < size; s++) sg += g[base + s * inner];
        for (let s = 0; s < size; s++) gx[base + s * inner] = g[base + s * inner] - Math.exp(y[base + s * inner]) * sg;
      }
    }
    return [gx];
  });
}
