// Comparisons (eq ne lt le gt ge), where, clamp, minimum/maximum, min(dim) and amin/amax, with
// the backward passes of PyTorch 1.13's derivatives.yaml.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { formatShape, normalizeDim, splitAt } from '../shape';
import { checkBoolean, typeError } from '../errors';
import type { ValuesIndices } from './sort';
import { broadcastAll, operand, reduceDims, reduction, sumTo } from './common';
import { rangeErrorText } from '../errors';

// ---- comparisons: 0/1 float results, no gradient -----------------------------------------

type Cmp = (a: number, b: number) => boolean;
const CMPS: Record<string, Cmp> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
};

/** Elementwise comparison `name` of input and other (broadcast): 1 where it holds, else 0. */
export function compare(name: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: Tensor, b: Tensor | number): Tensor {
  const where = `Tensor.${name}`;
  checkTensor(where, 'input', a);
  const B = operand(where, 'other', b);
  const { shape, n, maps } = broadcastAll(where, [a, B], ['input', 'other']);
  const [ia, ib] = maps;
  const x = a.data;
  const y = B.data;
  const cmp = CMPS[name];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = cmp(ia ? x[ia[i]] : x[i], ib ? y[ib[i]] : y[i]) ? 1 : 0;
  return new Tensor(out, shape);
}

// ---- where ------------------------------------------------------------------------------

/** x where cond is non-zero, else y (all three broadcast); the gradient goes to the chosen side. */
export function where(cond: Tensor, x: Tensor | number, y: Tensor | number, at = 'where', names: [string, string, string] = ['condition', 'input', 'other']): Tensor {
  checkTensor(at, names[0], cond);
  const X = operand(at, names[1], x);
  const Y = operand(at, names[2], y);
  const { shape, n, maps } = broadcastAll(at, [cond, X, Y], names);
  const [ic, ix, iy] = maps;
  const c = cond.data;
  const xd = X.data;
  const yd = Y.data;
  const take = new Uint8Array(n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    take[i] = (ic ? c[ic[i]] : c[i]) !== 0 ? 1 : 0;
    out[i] = take[i] ? (ix ? xd[ix[i]] : xd[i]) : iy ? yd[iy[i]] : yd[i];
  }
  return fromOp(out, shape, [X, Y], 'where', (g) => {
    const side = (want: number, t: Tensor, map: Int32Array | null) => {
      if (!t.requiresGrad) return null;
      const gs = new Float32Array(n);
      for (let i = 0; i < n; i++) if (take[i] === want) gs[i] = g[i];
      return sumTo(gs, map, t.numel);
    };
    return [side(1, X, ix), side(0, Y, iy)];
  });
}

// ---- clamp ------------------------------------------------------------------------------

/**
 * min(max(x, lo), hi) elementwise (so hi wins where lo > hi, as PyTorch). Gradients as
 * clamp_backward_min_max: x's where lo <= x <= hi, lo's where x < lo (and lo < hi when both are
 * given), hi's where x > hi or hi < lo.
 */
export function clamp(t: Tensor, min?: Tensor | number | null, max?: Tensor | number | null): Tensor {
  const at = 'Tensor.clamp';
  checkTensor(at, 'input', t);
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw typeError(at, "a number or a Tensor for at least one of min and max (torch: At least one of 'min' or 'max' must not be None)", 'min', min);
  const L = hasMin ? operand(at, 'min', min) : null;
  const H = hasMax ? operand(at, 'max', max) : null;
  const ops = [t, ...(L ? [L] : []), ...(H ? [H] : [])];
  const names = ['input', ...(L ? ['min'] : []), ...(H ? ['max'] : [])];
  const { shape, n, maps } = broadcastAll(at, ops, names);
  const ix = maps[0];
  const il = L ? maps[1] : null;
  const ih = H ? maps[L ? 2 : 1] : null;
  const xd = t.data;
  const ld = L ? L.data : null;
  const hd = H ? H.data : null;
  const out = new Float32Array(n);
  // 1: gradient to input, 2: to min, 3: to max, 0: none.
  const route = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = ix ? xd[ix[i]] : xd[i];
    const lo = ld ? (il ? ld[il[i]] : ld[i]) : NaN;
    const hi = hd ? (ih ? hd[ih[i]] : hd[i]) : NaN;
    let y = x;
    if (ld) y = y !== y || lo !== lo ? NaN : Math.max(y, lo);
    if (hd) y = y !== y || hi !== hi ? NaN : Math.min(y, hi);
    let r = 0;
    if (ld && hd) {
      if (x >= lo && x <= hi) r = 1;
      else if (x < lo && lo < hi) r = 2;
      else if (x > hi || hi < lo) r = 3;
    } else if (ld) {
      r = x >= lo ? 1 : x < lo ? 2 : 0;
    } else {
      r = x <= hi ? 1 : x > hi ? 3 : 0;
    }
    out[i] = y;
    route[i] = r;
  }
  const inputs = [t, ...(L ? [L] : []), ...(H ? [H] : [])];
  return fromOp(out, shape, inputs, 'clamp', (g) => {
    const part = (want: number, x: Tensor, map: Int32Array | null) => {
      if (!x.requiresGrad) return null;
      const gs = new Float32Array(n);
      for (let i = 0; i < n; i++) if (route[i] === want) gs[i] = g[i];
      return sumTo(gs, map, x.numel);
    };
    return [part(1, t, ix), ...(L ? [part(2, L, il)] : []), ...(H ? [part(3, H, ih)] : [])];
  });
}

// ---- minimum / maximum ------------------------------------------------------------------

/**
 * Elementwise maximum (or minimum) of two tensors, broadcast; NaN propagates. Gradient as
 * PyTorch 1.13: all of it to the larger (smaller) side, half to each on ties.
 */
export function extremum(isMax: boolean, a: Tensor, b: Tensor): Tensor {
  const at = isMax ? 'Tensor.maximum' : 'Tensor.minimum';
  checkTensor(at, 'input', a);
  if (!(b instanceof Tensor)) throw typeError(at, 'a Tensor', 'other', b);
  checkTensor(at, 'other', b);
  const { shape, n, maps } = broadcastAll(at, [a, b], ['input', 'other']);
  const [ia, ib] = maps;
  const out = new Float32Array(n);
  // Share of the gradient for input: 1, 0.5 or 0 (other gets the rest, except NaN: both 1 as
  // PyTorch's where(self == other, g / 2, g) masked where self < other).
  const share = new Float32Array(n);
  const shareB = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = ia ? a.data[ia[i]] : a.data[i];
    const y = ib ? b.data[ib[i]] : b.data[i];
    out[i] = x !== x || y !== y ? NaN : isMax ? Math.max(x, y) : Math.min(x, y);
    if (x === y) {
      share[i] = 0.5;
      shareB[i] = 0.5;
    } else {
      const aWins = isMax ? x > y : x < y;
      const bWins = isMax ? y > x : y < x;
      share[i] = bWins ? 0 : 1;
      shareB[i] = aWins ? 0 : 1;
    }
  }
  return fromOp(out, shape, [a, b], isMax ? 'maximum' : 'minimum', (g) => {
    const part = (s: Float32Array, x: Tensor, map: Int32Array | null) => {
      if (!x.requiresGrad) return null;
      const gs = new Float32Array(n);
      for (let i = 0; i < n; i++) gs[i] = g[i] * s[i];
      return sumTo(gs, map, x.numel);
    };
    return [part(share, a, ia), part(shareB, b, ib)];
  });
}

// ---- min(dim) ---------------------------------------------------------------------------

/**
 * Min over `dim` as Tensor.max: the values with `.values` (itself) and `.indices` attached; the
 * smallest element (a shape-[] tensor, gradient spread evenly over ties) without dim.
 */
export function min(t: Tensor, dim?: number, keepDim = false): Tensor & ValuesIndices {
  const at = 'Tensor.min';
  checkTensor(at, 'input', t);
  checkBoolean(at, 'keepDim', keepDim);
  const x = t.data;
  if (t.numel === 0) throw rangeErrorText(at, 'a non-empty tensor', 'input', `shape ${formatShape(t.shape)}`);
  if (dim === undefined) {
    let best = Infinity;
    let isNan = false;
    let bi = 0;
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== x[i]) {
        if (!isNan) bi = i;
        isNan = true;
      }
      if (x[i] < best) {
        best = x[i];
        if (!isNan) bi = i;
      }
    }
    if (isNan) best = NaN;
    const out = fromOp(new Float32Array([best]), [], [t], 'min', (g) => {
      let ties = 0;
      for (let i = 0; i < x.length; i++) if (x[i] === best || (isNan && x[i] !== x[i])) ties++;
      const gx = new Float32Array(x.length);
      for (let i = 0; i < x.length; i++) if (x[i] === best || (isNan && x[i] !== x[i])) gx[i] = g[0] / ties;
      return [gx];
    }) as Tensor & ValuesIndices;
    out.values = out;
    out.indices = new Tensor(new Float32Array([bi]), []);
    return out;
  }
  const d = normalizeDim(at, dim, t.ndim);
  const [outer, size, inner] = splitAt(t.shape, d);
  if (size === 0) throw rangeErrorText(at, `a non-empty dim ${d}`, 'input', `shape ${formatShape(t.shape)}`);
  const outShape = t.shape.slice();
  if (keepDim && t.ndim > 0) outShape[d] = 1;
  else outShape.splice(d, 1);
  const vals = new Float32Array(outer * inner);
  const idx = new Float32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * size * inner + i];
      let bi = 0;
      for (let s = 1; s < size; s++) {
        const v = x[(o * size + s) * inner + i];
        if (v < best || (v !== v && best === best)) {
          best = v;
          bi = s;
        }
      }
      vals[o * inner + i] = best;
      idx[o * inner + i] = bi;
    }
  }
  const out = fromOp(vals, outShape, [t], 'min', (g) => {
    const gx = new Float32Array(x.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) gx[(o * size + idx[o * inner + i]) * inner + i] = g[o * inner + i];
    return [gx];
  }) as Tensor & ValuesIndices;
  out.values = out;
  out.indices = new Tensor(idx, outShape.slice());
  return out;
}

// ---- amax / amin ------------------------------------------------------------------------

/** Max (or min) over `dim` (all when omitted; several allowed); gradient split evenly over ties, as torch.amax. */
export function aextremum(isMax: boolean, t: Tensor, dim?: number | number[], keepDim = false): Tensor {
  const at = isMax ? 'Tensor.amax' : 'Tensor.amin';
  checkTensor(at, 'input', t);
  checkBoolean(at, 'keepDim', keepDim);
  const dims = reduceDims(at, t, dim);
  for (const d of dims) {
    if (t.shape[d] === 0) throw rangeErrorText(at, `a non-empty dim ${d} to reduce over`, 'input', `shape ${formatShape(t.shape)}`);
  }
  if (t.numel === 0 && dims.length === 0) throw rangeErrorText(at, 'a non-empty tensor', 'input', `shape ${formatShape(t.shape)}`);
  const { outShape, outN, map } = reduction(t, dims, keepDim);
  const x = t.data;
  const out = new Float32Array(outN).fill(isMax ? -Infinity : Infinity);
  for (let i = 0; i < x.length; i++) {
    const o = map[i];
    const v = x[i];
    if (out[o] === out[o] && (v !== v || (isMax ? v > out[o] : v < out[o]))) out[o] = v;
  }
  return fromOp(out, outShape, [t], isMax ? 'amax' : 'amin', (g) => {
    const same = (v: number, o: number) => v === out[o] || (v !== v && out[o] !== out[o]);
    const ties = new Float32Array(outN);
    for (let i = 0; i < x.length; i++) if (same(x[i], map[i])) ties[map[i]]++;
    const gx = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) if (same(x[i], map[i])) gx[i] = g[map[i]] / ties[map[i]];
    return [gx];
  });
}
