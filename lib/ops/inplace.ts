// In-place ops (add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_), detach_ and gradient
// hooks, with PyTorch's autograd rules:
// - every in-place write bumps the version of the buffer (shared by all tensors on it: views,
//   detach()); ops that read a tensor in their backward recorded its version, and backward
//   refuses to run on a changed one (lib/tensor.ts, fromOp's `saved`);
// - a leaf that requires grad (or a view of one) may be written only inside noGrad, so that
//   `noGrad(() => w.sub_(w.grad.mul(lr)))` is the optimiser step it is in PyTorch;
// - otherwise, with grad mode on and anything requiring grad, the op is recorded: the tensor's
//   gradFn becomes the op's node, whose input 0 is the tensor's previous history
//   (recordInplace), and views sharing the buffer follow (syncView).
// The operand is broadcast to the modified tensor's shape, never the other way round.
import { Tensor, checkTensor, isGradEnabled, bumpVersion, recordInplace, syncView, addHook } from '../tensor';
import type { TensorHook, TensorHookHandle } from '../tensor';
import { broadcastShapes, formatShape, sameShape } from '../shape';
import { FLOAT32_MAX, checkOptions, rangeError, typeError } from '../errors';
import { indexMap } from './binary';
import { rangeErrorText } from '../errors';

/** Checks that `t` may be written in place now (see the rules above). */
function checkWritable(where: string, t: Tensor): void {
  checkTensor(where, 'input', t);
  syncView(t);
  if (!isGradEnabled()) return;
  if (t.requiresGrad && t.gradFn === null) {
    throw rangeErrorText(where, 'a tensor that is not a leaf requiring grad (write it inside noGrad, or clone it)', 'input', `a leaf that requires grad, as PyTorch's "a leaf Variable that requires grad is being used in an in-place operation"`);
  }
  const base = t._family?.base;
  if (base !== undefined && base !== t && base.gradFn === null && base.requiresGrad) {
    throw rangeErrorText(where, 'a tensor that is not a view of a leaf requiring grad (write it inside noGrad, or clone it)', 'input', `a view of such a leaf, as PyTorch's "a view of a leaf Variable that requires grad is being used in an in-place operation"`);
  }
}

/**
 * The operand's element for each element of `t` (null: same shape, element i), checking that
 * it broadcasts to t's shape: the result of an in-place op keeps t's shape, as PyTorch's
 * "output with shape [2] doesn't match the broadcast shape [2, 2]".
 */
function operandMap(where: string, name: string, t: Tensor, o: Tensor): Int32Array | null {
  if (sameShape(o.shape, t.shape)) return null;
  const shape = broadcastShapes(where, t.shape, o.shape);
  if (!sameShape(shape, t.shape)) {
    throw rangeErrorText(where, `a tensor broadcastable to input's shape ${formatShape(t.shape)}`, name, `shape ${formatShape(o.shape)}`);
  }
  return indexMap(o.shape, t.shape, t.numel);
}

/** Sums a gradient of t's shape back to the operand's, through its map. */
function reduceTo(g: Float32Array, map: Int32Array | null, size: number, scale = 1): Float32Array {
  const out = new Float32Array(size);
  if (map === null) for (let i = 0; i < size; i++) out[i] = g[i] * scale;
  else for (let i = 0; i < g.length; i++) out[map[i]] += g[i] * scale;
  return out;
}

/** A number operand, as the out-of-place ops take: NaN and the infinities are float32 values. */
function num(where: string, name: string, v: unknown): number {
  if (typeof v !== 'number') throw typeError(where, 'a number', name, v);
  return v;
}

function alphaOf(where: string, opts: { alpha?: number } | undefined): number {
  const o = checkOptions(where, opts, ['alpha']);
  return o.alpha === undefined ? 1 : num(where, 'alpha', o.alpha);
}

function operand(where: string, other: unknown): Tensor | number {
  if (typeof other === 'number') return other;
  if (!(other instanceof Tensor)) throw typeError(where, 'a Tensor or a number', 'other', other);
  return checkTensor(where, 'other', other);
}

/** this += alpha * other (sign -1: sub_). */
function addInto(where: string, name: string, t: Tensor, other: unknown, opts: { alpha?: number } | undefined, sign: number): void {
  checkWritable(where, t);
  const o = operand(where, other);
  const k = sign * alphaOf(where, opts);
  const x = t.data;
  const n = x.length;
  if (typeof o === 'number') {
    const s = k * o;
    for (let i = 0; i < n; i++) x[i] += s;
    bumpVersion(x);
    recordInplace(t, [], name, (g) => [g], []);
    return;
  }
  const map = operandMap(where, 'other', t, o);
  const y = o.data;
  if (map === null) for (let i = 0; i < n; i++) x[i] += k * y[i];
  else for (let i = 0; i < n; i++) x[i] += k * y[map[i]];
  bumpVersion(x);
  const size = o.numel;
  // Neither gradient reads a value: d/dself = g, d/dother = k g summed over the broadcast.
  recordInplace(t, [o], name, (g) => [g, o.requiresGrad ? reduceTo(g, map, size, k) : null], []);
}

/** this *= other or this /= other. */
function scaleInto(where: string, name: string, t: Tensor, other: unknown, divide: boolean): void {
  checkWritable(where, t);
  const o = operand(where, other);
  const x = t.data;
  const n = x.length;
  if (typeof o === 'number') {
    if (divide) for (let i = 0; i < n; i++) x[i] /= o;
    else for (let i = 0; i < n; i++) x[i] *= o;
    bumpVersion(x);
    const k = divide ? 1 / o : o;
    recordInplace(t, [], name, (g) => {
      const gx = new Float32Array(n);
      for (let i = 0; i < n; i++) gx[i] = g[i] * k;
      return [gx];
    }, []);
    return;
  }
  const map = operandMap(where, 'other', t, o);
  // The operand's values as they are now: a copy when it shares this buffer (x.mul_(x)), which
  // the write below changes. The previous values of this tensor are needed only for the
  // operand's gradient (d(x*o)/do = x, d(x/o)/do = -x/o^2): copied then, as the write destroys them.
  const y = o.data === x ? o.data.slice() : o.data;
  const needOld = isGradEnabled() && o.requiresGrad;
  const old = needOld ? x.slice() : null;
  if (divide) {
    if (map === null) for (let i = 0; i < n; i++) x[i] /= y[i];
    else for (let i = 0; i < n; i++) x[i] /= y[map[i]];
  } else if (map === null) for (let i = 0; i < n; i++) x[i] *= y[i];
  else for (let i = 0; i < n; i++) x[i] *= y[map[i]];
  bumpVersion(x);
  const size = o.numel;
  const selfGrad = t.requiresGrad;
  recordInplace(t, [o], name, (g) => {
    let gx: Float32Array | null = null;
    if (selfGrad) {
      gx = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = y[map === null ? i : map[i]];
        gx[i] = divide ? g[i] / v : g[i] * v;
      }
    }
    let go: Float32Array | null = null;
    if (old !== null) {
      const t2 = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = y[map === null ? i : map[i]];
        t2[i] = divide ? (-g[i] * old[i]) / (v * v) : g[i] * old[i];
      }
      go = reduceTo(t2, map, size);
    }
    return [gx, go];
  }, y === o.data ? [y] : []);
}

export function add_(t: Tensor, other: unknown, opts?: { alpha?: number }): void {
  addInto('Tensor.add_', 'add_', t, other, opts, 1);
}

export function sub_(t: Tensor, other: unknown, opts?: { alpha?: number }): void {
  addInto('Tensor.sub_', 'sub_', t, other, opts, -1);
}

export function mul_(t: Tensor, other: unknown): void {
  scaleInto('Tensor.mul_', 'mul_', t, other, false);
}

export function div_(t: Tensor, other: unknown): void {
  scaleInto('Tensor.div_', 'div_', t, other, true);
}

/** Sets every element to value; the previous values get a zero gradient. */
export function fill_(t: Tensor, value: unknown, where: string, name: string): void {
  checkWritable(where, t);
  const v = num(where, 'value', value);
  // A finite number past float32's range would be stored as Infinity (PyTorch: "value cannot be
  // converted to type float without overflow"), as kiln.full.
  if (Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
    throw rangeError(where, `NaN, +-Infinity or a number in float32 range [-${FLOAT32_MAX}, ${FLOAT32_MAX}]`, 'value', v);
  }
  t.data.fill(v);
  bumpVersion(t.data);
  const n = t.numel;
  recordInplace(t, [], name, () => [new Float32Array(n)], []);
}

export function copy_(t: Tensor, src: unknown): void {
  const where = 'Tensor.copy_';
  checkWritable(where, t);
  if (!(src instanceof Tensor)) throw typeError(where, 'a Tensor', 'src', src);
  checkTensor(where, 'src', src);
  const map = operandMap(where, 'src', t, src);
  const x = t.data;
  const n = x.length;
  if (map === null) {
    if (src.data !== x) x.set(src.data);
  } else {
    const y = src.data;
    for (let i = 0; i < n; i++) x[i] = y[map[i]];
  }
  bumpVersion(x);
  const size = src.numel;
  recordInplace(t, [src], 'copy_', (g) => [new Float32Array(n), src.requiresGrad ? reduceTo(g, map, size) : null], []);
}

export function clamp_(t: Tensor, min: unknown, max: unknown): void {
  const where = 'Tensor.clamp_';
  checkWritable(where, t);
  const lo = min === undefined || min === null ? null : num(where, 'min', min);
  const hi = max === undefined || max === null ? null : num(where, 'max', max);
  if (lo === null && hi === null) throw rangeError(where, 'at least one of min and max', 'bounds', [min, max]);
  const x = t.data;
  const n = x.length;
  // PyTorch's clamp backward: the gradient passes where min <= x <= max (bounds included).
  const record = isGradEnabled() && t.requiresGrad;
  const pass = record ? new Uint8Array(n) : null;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (pass !== null) pass[i] = (lo === null || v >= lo) && (hi === null || v <= hi) ? 1 : 0;
    // min(max(x, lo), hi), NaN kept: max wins when lo > hi, as torch.clamp.
    let r = v;
    if (lo !== null && r < lo) r = lo;
    if (hi !== null && r > hi) r = hi;
    x[i] = r;
  }
  bumpVersion(x);
  recordInplace(t, [], 'clamp_', (g) => {
    const gx = new Float32Array(n);
    for (let i = 0; i < n; i++) gx[i] = pass![i] ? g[i] : 0;
    return [gx];
  }, []);
}

export function detach_(t: Tensor): void {
  const where = 'Tensor.detach_';
  checkTensor(where, 'input', t);
  syncView(t);
  const fam = t._family;
  if (fam !== null && fam.base !== t) {
    throw rangeErrorText(where, 'a tensor that is not a view (use detach() for a view)', 'input', `a view of a tensor of shape ${formatShape(fam.base.shape)}, as PyTorch's "Can't detach views in-place"`);
  }
  t.gradFn = null;
  t.requiresGrad = false;
}

export function registerHook(t: Tensor, fn: unknown): TensorHookHandle {
  const where = 'Tensor.registerHook';
  checkTensor(where, 'input', t);
  if (typeof fn !== 'function') throw typeError(where, 'a function', 'hook', fn);
  syncView(t);
  if (!t.requiresGrad) {
    throw rangeErrorText(where, 'a tensor that requires grad', 'input', `one that does not (it has no gradient to hook), as PyTorch's "cannot register a hook on a tensor that doesn't require gradient"`);
  }
  return addHook(t, fn as TensorHook);
}
