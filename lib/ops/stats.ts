// var, std, norm and cumsum with PyTorch 1.13's backward formulas (var_backward, std_backward,
// norm_backward, cumsum_backward). Sums accumulate in float64, as PyTorch's CPU kernels do.
import { Tensor, fromOp, checkTensor } from '../tensor';
import { normalizeDim, splitAt } from '../shape';
import { checkBoolean, checkNumber, checkOptions, rangeError, typeError } from '../errors';
import { reduceDims, reduction } from './common';

/** Options of var and std. */
export interface VarOptions {
  /** Subtracted from the element count in the divisor [1: Bessel's correction]. */
  correction?: number;
  /** PyTorch's older form: true is correction 1, false correction 0. */
  unbiased?: boolean;
  /** Keep reduced dimensions as size 1 [false]. */
  keepDim?: boolean;
}

function varImpl(isStd: boolean, t: Tensor, dim: number | number[] | undefined | null, opts: VarOptions | undefined): Tensor {
  const at = isStd ? 'Tensor.std' : 'Tensor.var';
  checkTensor(at, 'input', t);
  const o = checkOptions(at, opts, ['correction', 'unbiased', 'keepDim']);
  const keepDim = o.keepDim === undefined ? false : checkBoolean(at, 'keepDim', o.keepDim);
  if (o.unbiased !== undefined) checkBoolean(at, 'unbiased', o.unbiased);
  if (o.correction !== undefined) {
    checkNumber(at, 'correction', o.correction);
    if (o.unbiased !== undefined) throw rangeError(at, 'correction or unbiased, not both (torch: Cannot specify both unbiased and correction),', 'unbiased', o.unbiased);
  }
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  const dims = reduceDims(at, t, dim);
  const { outShape, outN, count, map } = reduction(t, dims, keepDim);
  const x = t.data;
  const n = x.length;
  const mean = new Float64Array(outN);
  for (let i = 0; i < n; i++) mean[map[i]] += x[i];
  for (let k = 0; k < outN; k++) mean[k] /= count;
  const ss = new Float64Array(outN);
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean[map[i]];
    ss[map[i]] += d * d;
  }
  const divisor = Math.max(0, count - correction);
  const out = new Float32Array(outN);
  for (let k = 0; k < outN; k++) out[k] = isStd ? Math.sqrt(ss[k] / divisor) : ss[k] / divisor;
  return fromOp(out, outShape, [t], isStd ? 'std' : 'var', (g) => {
    // var: dx = 2 (x - mean) g / (N - correction); std: the same with g / (2 std), 0 where std is 0.
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const k = map[i];
      let gk = g[k];
      if (isStd) gk = out[k] === 0 ? 0 : gk / (2 * out[k]);
      gx[i] = (2 * gk * (x[i] - mean[k])) / divisor;
    }
    return [gx];
  });
}

/** Variance over `dim` with `correction` (torch.var). */
export function variance(t: Tensor, dim?: number | number[] | null, opts?: VarOptions): Tensor {
  return varImpl(false, t, dim, opts);
}

/** Standard deviation over `dim` with `correction` (torch.std). */
export function std(t: Tensor, dim?: number | number[] | null, opts?: VarOptions): Tensor {
  return varImpl(true, t, dim, opts);
}

/** The order of a norm: a number, +-Infinity or 'fro'. */
export type NormOrder = number | 'fro';

/**
 * The p-norm over `dim` (all when omitted): (sum |x|^p)^(1/p); p = Infinity is max |x|, -Infinity
 * min |x|, 0 the count of non-zeros, 'fro' the 2-norm. Backward as norm_backward.
 */
export function norm(t: Tensor, p: NormOrder = 2, dim?: number | number[] | null, keepDim = false): Tensor {
  const at = 'Tensor.norm';
  checkTensor(at, 'input', t);
  if (p === 'fro') p = 2;
  else if (typeof p !== 'number') throw typeError(at, "a number, Infinity, -Infinity or 'fro'", 'p', p);
  else if (p !== p) throw rangeError(at, "a number, Infinity, -Infinity or 'fro'", 'p', p);
  checkBoolean(at, 'keepDim', keepDim);
  const dims = reduceDims(at, t, dim);
  const { outShape, outN, map } = reduction(t, dims, keepDim);
  const x = t.data;
  const n = x.length;
  const out = new Float32Array(outN);
  const pp = p;
  if (pp === Infinity || pp === -Infinity) {
    const acc = new Float64Array(outN).fill(pp > 0 ? -Infinity : Infinity);
    if (pp > 0) for (let k = 0; k < outN; k++) acc[k] = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]);
      const k = map[i];
      if (a !== a || acc[k] !== acc[k]) acc[k] = NaN;
      else acc[k] = pp > 0 ? Math.max(acc[k], a) : Math.min(acc[k], a);
    }
    for (let k = 0; k < outN; k++) out[k] = acc[k];
  } else {
    const acc = new Float64Array(outN);
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]);
      acc[map[i]] += pp === 0 ? (a !== 0 ? 1 : 0) : pp === 1 ? a : pp === 2 ? a * a : Math.pow(a, pp);
    }
    for (let k = 0; k < outN; k++) out[k] = pp === 0 || pp === 1 ? acc[k] : pp === 2 ? Math.sqrt(acc[k]) : Math.pow(acc[k], 1 / pp);
  }
  return fromOp(out, outShape, [t], 'norm', (g) => {
    const gx = new Float32Array(n);
    if (pp === 0) return [gx];
    const sgn = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : NaN);
    if (pp === 1) {
      for (let i = 0; i < n; i++) gx[i] = sgn(x[i]) * g[map[i]];
    } else if (pp === Infinity || pp === -Infinity) {
      // Split evenly over the elements whose |x| is the norm (or NaN), as PyTorch.
      const ties = new Float64Array(outN);
      const hit = (i: number) => Math.abs(x[i]) === out[map[i]] || x[i] !== x[i];
      for (let i = 0; i < n; i++) if (hit(i)) ties[map[i]]++;
      for (let i = 0; i < n; i++) if (hit(i)) gx[i] = (sgn(x[i]) * g[map[i]]) / ties[map[i]];
    } else if (pp === 2) {
      for (let i = 0; i < n; i++) {
        const k = map[i];
        gx[i] = out[k] === 0 ? 0 : (x[i] * g[k]) / out[k];
      }
    } else {
      // x |x|^(p-2) g / norm^(p-1), 0 where the norm is 0.
      for (let i = 0; i < n; i++) {
        const k = map[i];
        if (out[k] === 0) continue;
        gx[i] = (sgn(x[i]) * Math.pow(Math.abs(x[i]), pp - 1) * g[k]) / Math.pow(out[k], pp - 1);
      }
    }
    return [gx];
  });
}

/** Running sum along `dim`; the gradient is the reversed running sum of the output's gradient. */
export function cumsum(t: Tensor, dim: number): Tensor {
  const at = 'Tensor.cumsum';
  checkTensor(at, 'input', t);
  const d = normalizeDim(at, dim, t.ndim);
  const [outer, size, inner] = splitAt(t.shape, d);
  const scan = (src: Float32Array, reverse: boolean): Float32Array => {
    const out = new Float32Array(src.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let s0 = 0; s0 < size; s0++) {
          const s = reverse ? size - 1 - s0 : s0;
          const at2 = (o * size + s) * inner + i;
          acc += src[at2];
          out[at2] = acc;
        }
      }
    }
    return out;
  };
  return fromOp(scan(t.data, false), t.shape.slice(), [t], 'cumsum', (g) => [scan(g, true)]);
}
