// The Tensor: a float32, contiguous, row-major buffer with a shape, plus reverse-mode autograd.
//
// Autograd follows micrograd's engine.py: every op builds its result with `fromOp`, passing
// a closure that maps the output's gradient to its inputs' gradients; `backward()` sorts the
// graph once (iteratively, so deep graphs cannot overflow the stack) and runs the closures in
// reverse order. Gradients accumulate into leaves' `.grad`, as PyTorch's.
import { MAX_NUMEL, checkShape, formatShape, numelOf, sameShape } from './shape';
import { FLOAT32_MAX, checkInt, describe, isDetached, rangeError, typeError } from './errors';
import * as binary from './ops/binary';
import * as unary from './ops/unary';
import * as reduce from './ops/reduce';
import * as view from './ops/view';
import * as linalg from './ops/linalg';
import * as compare from './ops/compare';
import * as stats from './ops/stats';
import * as sort from './ops/sort';
import * as join from './ops/join';
import * as indexOps from './ops/index_ops';
import type { Indices } from './ops/common';

/** Maps the gradient of an op's output to the gradients of its inputs (null: no gradient). */
export type BackwardFn = (grad: Float32Array) => (Float32Array | null)[];

/** The recorded op that produced a tensor. */
export interface GradFn {
  name: string;
  inputs: Tensor[];
  backward: BackwardFn;
}

let gradEnabled = true;

/** toArray's bound on the nested arrays of an empty tensor (2^24: about 1 GB of empty arrays). */
const MAX_NESTED_ARRAYS = 2 ** 24;

/** Whether ops record gradients now (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording gradients and returns its result, as `with torch.no_grad()`.
 * @example const pred = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw typeError('noGrad', 'a function', 'fn', fn);
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Sets whether ops record gradients; returns the previous setting. */
export function setGradEnabled(enabled: boolean): boolean {
  const prev = gradEnabled;
  gradEnabled = enabled;
  return prev;
}

type Nested = number | Nested[];

/**
 * A float32 tensor. Construct with the factories (`tensor`, `zeros`, `randn`, ...).
 * @example const x = tensor([[1, 2], [3, 4]], { requiresGrad: true }); x.mul(x).sum().backward();
 */
export class Tensor {
  /** The live buffer: writes show in the tensor. */
  data: Float32Array;
  shape: number[];
  grad: Tensor | null = null;
  requiresGrad: boolean;
  /** The op that produced this tensor, or null for a leaf. */
  gradFn: GradFn | null = null;

  /**
   * Wraps `data` (not copied) with `shape`; prefer the factories, which accept nested arrays.
   * @throws TypeError for data that is not a Float32Array, a shape that is not an array of
   *   numbers or a non-boolean requiresGrad; RangeError for sizes that are not non-negative
   *   integers or data whose length is not the shape's element count.
   */
  constructor(data: Float32Array, shape: number[], requiresGrad = false) {
    if (!(data instanceof Float32Array)) throw typeError('Tensor', 'a Float32Array', 'data', data);
    if (!Array.isArray(shape)) throw typeError('Tensor', 'an array of sizes', 'shape', shape);
    let n = 1;
    for (const s of shape) {
      if (typeof s !== 'number') throw typeError('Tensor', 'an array of sizes', 'shape', shape);
      if (!Number.isInteger(s) || s < 0 || s > MAX_NUMEL) throw rangeError('Tensor', `non-negative integer sizes of at most ${MAX_NUMEL}`, 'shape', shape);
      n *= s;
    }
    if (data.length !== n) {
      throw new RangeError(`Tensor: expected data of length ${n} for shape ${formatShape(shape)}, got ${isDetached(data.buffer) ? 'a detached Float32Array' : data.length}`);
    }
    if (typeof requiresGrad !== 'boolean') throw typeError('Tensor', 'a boolean', 'requiresGrad', requiresGrad);
    this.data = data;
    this.shape = shape;
    this.requiresGrad = requiresGrad;
  }

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return this.data.length;
  }

  /** True when no recorded op produced this tensor. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Sets requiresGrad in place and returns this, as torch's requires_grad_(). */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  // ---- autograd -------------------------------------------------------------------------

  /**
   * Computes gradients of this tensor with respect to every leaf that requires them.
   * @param grad [1 for a one-element tensor] the gradient of some scalar with respect to this tensor.
   * @throws RangeError when this tensor does not require grad, or when grad is omitted for a non-scalar.
   */
  backward(grad?: Tensor | number | Nested | Float32Array): void {
    checkTensor('Tensor.backward', 'input', this);
    if (!this.requiresGrad) {
      throw new RangeError('Tensor.backward: expected a tensor that requires grad (computed from a tensor with requiresGrad), got one that does not');
    }
    let seed: Float32Array;
    if (grad === undefined || grad === null) {
      if (this.numel !== 1) {
        throw new RangeError(`Tensor.backward: grad can be omitted only for a one-element tensor, got shape ${formatShape(this.shape)}`);
      }
      seed = new Float32Array([1]);
    } else {
      if (!(grad instanceof Tensor) && typeof grad !== 'number' && !Array.isArray(grad) && !(grad instanceof Float32Array)) {
        throw typeError('Tensor.backward', 'a Tensor, a number, nested arrays or a Float32Array', 'grad', grad);
      }
      const g = grad instanceof Tensor ? checkTensor('Tensor.backward', 'grad', grad) : tensor(grad as Nested);
      // A Tensor or nested arrays must have the output's shape, as PyTorch ("Mismatch in
      // shape"): grad of shape [6] for a [2, 3] output is a mistake, not a reshape. A
      // Float32Array is a flat buffer of the output's length; a number, one element's gradient.
      const flat = grad instanceof Float32Array || typeof grad === 'number';
      if (flat ? g.numel !== this.numel : !sameShape(g.shape, this.shape)) {
        throw new RangeError(`Tensor.backward: expected grad of shape ${formatShape(this.shape)}, got ${formatShape(g.shape)}`);
      }
      // Not copied: the engine copies the caller's array only if it must write into it.
      seed = g.data;
    }
    runBackward(this, seed);
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    checkTensor('Tensor.detach', 'input', this);
    return new Tensor(this.data, this.shape.slice(), false);
  }

  /** A copy of the data, differentiable. */
  clone(): Tensor {
    return view.clone(this);
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    checkTensor('Tensor.item', 'input', this);
    if (this.numel !== 1) throw new RangeError(`Tensor.item: expected a tensor with one element, got shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /** The data as nested arrays (a number for shape []). */
  toArray(): Nested {
    checkTensor('Tensor.toArray', 'input', this);
    // An empty tensor can still ask for billions of nested (empty) arrays, [2^31 - 1, 0] for
    // one, which would exhaust the heap (a fatal error in V8, not an exception). A tensor with
    // elements has fewer arrays than elements, so only such shapes meet the bound.
    let arrays = 0;
    for (let d = 0, prefix = 1; d < this.shape.length && prefix > 0; d++) {
      arrays += prefix;
      prefix *= this.shape[d];
    }
    if (arrays > Math.max(MAX_NESTED_ARRAYS, this.numel + 1)) {
      throw new RangeError(`Tensor.toArray: expected at most ${MAX_NESTED_ARRAYS} nested arrays for input, got shape ${formatShape(this.shape)} (${arrays})`);
    }
    const build = (dim: number, offset: number): Nested => {
      if (dim === this.shape.length) return this.data[offset];
      let stride = 1;
      for (let i = dim + 1; i < this.shape.length; i++) stride *= this.shape[i];
      const out: Nested[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  // ---- ops (definitions and backward passes live in lib/ops) ----------------------------

  add(other: Tensor | number): Tensor { return binary.add(this, other); }
  sub(other: Tensor | number): Tensor { return binary.sub(this, other); }
  mul(other: Tensor | number): Tensor { return binary.mul(this, other); }
  div(other: Tensor | number): Tensor { return binary.div(this, other); }
  neg(): Tensor { return unary.neg(this); }
  exp(): Tensor { return unary.exp(this); }
  log(): Tensor { return unary.log(this); }
  sqrt(): Tensor { return unary.sqrt(this); }
  abs(): Tensor { return unary.abs(this); }
  pow(p: number): Tensor { return unary.pow(this, p); }
  relu(): Tensor { return unary.relu(this); }
  sigmoid(): Tensor { return unary.sigmoid(this); }
  tanh(): Tensor { return unary.tanh(this); }
  matmul(other: Tensor): Tensor { return linalg.matmul(this, other); }
  t(): Tensor { return view.t(this); }
  transpose(dim0: number, dim1: number): Tensor { return view.transpose(this, dim0, dim1); }
  permute(dims: number[]): Tensor { return view.permute(this, dims); }
  reshape(shape: number | number[]): Tensor { return view.reshape(this, shape); }
  view(shape: number | number[]): Tensor { return view.reshape(this, shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return view.flatten(this, startDim, endDim); }
  squeeze(dim?: number): Tensor { return view.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return view.unsqueeze(this, dim); }
  sum(dim?: number | number[], keepDim = false): Tensor { return reduce.sum(this, dim, keepDim); }
  mean(dim?: number | number[], keepDim = false): Tensor { return reduce.mean(this, dim, keepDim); }
  max(dim?: number, keepDim = false): Tensor & { values: Tensor; indices: Tensor } { return reduce.max(this, dim, keepDim); }
  argmax(dim?: number, keepDim = false): Tensor { return reduce.argmax(this, dim, keepDim); }
  softmax(dim: number): Tensor { return reduce.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return reduce.logSoftmax(this, dim); }

  // ---- issue 17: comparison, selection, joining and indexing ops ----

  /** 1 where input == other (broadcast), else 0; no gradient. @example x.eq(0) */
  eq(other: Tensor | number): Tensor { return compare.compare('eq', this, other); }
  /** 1 where input != other (broadcast), else 0; no gradient. @example x.ne(y) */
  ne(other: Tensor | number): Tensor { return compare.compare('ne', this, other); }
  /** 1 where input < other (broadcast), else 0; no gradient. @example x.lt(0.5) */
  lt(other: Tensor | number): Tensor { return compare.compare('lt', this, other); }
  /** 1 where input <= other (broadcast), else 0; no gradient. @example x.le(y) */
  le(other: Tensor | number): Tensor { return compare.compare('le', this, other); }
  /** 1 where input > other (broadcast), else 0; no gradient. @example x.gt(0) */
  gt(other: Tensor | number): Tensor { return compare.compare('gt', this, other); }
  /** 1 where input >= other (broadcast), else 0; no gradient. @example x.ge(y) */
  ge(other: Tensor | number): Tensor { return compare.compare('ge', this, other); }
  /**
   * This tensor where `condition` is non-zero, else `other` (all broadcast), as torch.Tensor.where.
   * @throws RangeError when the shapes do not broadcast.
   * @example x.where(x.gt(0), 0)
   */
  where(condition: Tensor, other: Tensor | number): Tensor { return compare.where(condition, this, other, 'Tensor.where', ['condition', 'input', 'other']); }
  /**
   * Clamps into [min, max] (numbers or broadcast tensors; either may be omitted): min(max(x, min), max).
   * The gradient passes where min <= x <= max, as PyTorch.
   * @throws TypeError when both bounds are missing.
   * @example x.clamp(0, 1); x.clamp(undefined, 6)
   */
  clamp(min?: Tensor | number | null, max?: Tensor | number | null): Tensor { return compare.clamp(this, min, max); }
  /** Elementwise minimum with `other` (broadcast); ties split the gradient in half. @example a.minimum(b) */
  minimum(other: Tensor): Tensor { return compare.extremum(false, this, other); }
  /** Elementwise maximum with `other` (broadcast); ties split the gradient in half. @example a.maximum(b) */
  maximum(other: Tensor): Tensor { return compare.extremum(true, this, other); }
  /**
   * Min over `dim`: the values, with `.values` (itself) and `.indices` attached as torch.min(x, dim);
   * the smallest element (shape []) without dim.
   * @throws RangeError for an empty tensor or a bad dim.
   * @example const { values, indices } = x.min(1);
   */
  min(dim?: number, keepDim = false): Tensor & sort.ValuesIndices { return compare.min(this, dim, keepDim); }
  /** Max over `dim` (one or several; all when omitted); the gradient is split evenly over ties. @example x.amax([0, 1]) */
  amax(dim?: number | number[], keepDim = false): Tensor { return compare.aextremum(true, this, dim, keepDim); }
  /** Min over `dim` (one or several; all when omitted); the gradient is split evenly over ties. @example x.amin(-1, true) */
  amin(dim?: number | number[], keepDim = false): Tensor { return compare.aextremum(false, this, dim, keepDim); }
  /**
   * Variance over `dim` (all when omitted): sum((x - mean)^2) / (N - correction).
   * @param dim one or several dimensions.
   * @param opts `{ correction = 1, unbiased?, keepDim = false }`: unbiased false is correction 0.
   * @throws TypeError for an unknown option.
   * @example x.var(1, { correction: 0 })
   */
  var(dim?: number | number[] | null, opts?: stats.VarOptions): Tensor { return stats.variance(this, dim, opts); }
  /**
   * Standard deviation over `dim`: sqrt(var) with the same options.
   * @param opts `{ correction = 1, unbiased?, keepDim = false }`.
   * @example x.std()
   */
  std(dim?: number | number[] | null, opts?: stats.VarOptions): Tensor { return stats.std(this, dim, opts); }
  /**
   * The p-norm over `dim` (all when omitted): (sum |x|^p)^(1/p); p may be 'fro', Infinity or -Infinity.
   * @param p [2]
   * @example x.norm(); x.norm(1, -1, true)
   */
  norm(p: stats.NormOrder = 2, dim?: number | number[] | null, keepDim = false): Tensor { return stats.norm(this, p, dim, keepDim); }
  /** The running sum along `dim`. @example x.cumsum(0) */
  cumsum(dim: number): Tensor { return stats.cumsum(this, dim); }
  /**
   * The k largest (or smallest) elements along a dimension and their indices, as torch.topk;
   * tied elements come in index order.
   * @param opts `{ dim = -1, largest = true, sorted = true }`.
   * @throws RangeError when k is larger than the dimension.
   * @example const { values, indices } = x.topk(3);
   */
  topk(k: number, opts?: sort.TopkOptions): sort.ValuesIndices { return sort.topk(this, k, opts); }
  /**
   * Sorts along a dimension, stably (ties keep their order; NaN sorts as the largest), as torch.sort.
   * @param opts `{ dim = -1, descending = false, stable }`.
   * @example const { values, indices } = x.sort({ descending: true });
   */
  sort(opts?: sort.SortOptions): sort.ValuesIndices { return sort.sort(this, opts); }
  /** The indices that sort along a dimension (stable), as torch.argsort. @example x.argsort({ dim: 0 }) */
  argsort(opts?: sort.SortOptions): Tensor { return sort.argsort(this, opts); }
  /**
   * Splits into pieces of a size (the last may be smaller) or of the given sizes along `dim`.
   * @param dim [0]
   * @example const [a, b] = x.split([2, 3], 1);
   */
  split(splitSizeOrSections: number | number[], dim = 0): Tensor[] { return join.split(this, splitSizeOrSections, dim); }
  /** Splits into `chunks` pieces of equal size (the last may be smaller) along `dim` [0]. @example x.chunk(2) */
  chunk(chunks: number, dim = 0): Tensor[] { return join.chunk(this, chunks, dim); }
  /** `length` elements from `start` (may be negative) along `dim`. @throws RangeError past the end. @example x.narrow(1, 0, 2) */
  narrow(dim: number, start: number, length: number): Tensor { return indexOps.narrow(this, dim, start, length); }
  /**
   * Python's x[start:end:step] along `dim`: negative start/end count from the end and both clamp to the size.
   * @param step [1] a positive integer.
   * @example x.slice(0, -2) // the last two rows
   */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return indexOps.slice(this, dim, start, end, step); }
  /** The slice at `index` (may be negative) along `dim`, that dimension removed. @example x.select(1, -1) */
  select(dim: number, index: number): Tensor { return indexOps.select(this, dim, index); }
  /**
   * The entries at `index` (1-D integers: a Tensor, Int32Array or number[]) along `dim`.
   * @throws RangeError for a non-integer or out-of-range index.
   * @example x.indexSelect(0, [2, 0])
   */
  indexSelect(dim: number, index: Indices): Tensor { return indexOps.indexSelect(this, dim, index); }
  /**
   * out[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims), as torch.gather.
   * @throws RangeError for an out-of-range index or an index larger than input outside dim.
   * @example x.gather(1, [[0], [2]])
   */
  gather(dim: number, index: Indices): Tensor { return indexOps.gather(this, dim, index); }
  /**
   * A copy with out[index[i][j]][j] = src[i][j] for dim 0 (src may be a number), as torch.scatter.
   * @example zeros([3, 2]).scatter(0, [[2, 0]], 1)
   */
  scatter(dim: number, index: Indices, src: Tensor | number): Tensor { return indexOps.scatter(this, dim, index, src); }
  /** A copy with src[i][j] added at out[index[i][j]][j] for dim 0, as torch.scatter_add. @example zeros([2]).scatterAdd(0, [0, 0], ones([2])) */
  scatterAdd(dim: number, index: Indices, src: Tensor): Tensor { return indexOps.scatterAdd(this, dim, index, src); }
  /** `value` where `mask` is non-zero (mask broadcast), this tensor elsewhere. @example scores.maskedFill(mask, -Infinity) */
  maskedFill(mask: Tensor, value: number): Tensor { return indexOps.maskedFill(this, mask, value); }
  /**
   * Broadcast to `sizes` (-1 keeps a size; new leading dimensions allowed), copied; the gradient sums back.
   * @throws RangeError when a dimension of size other than 1 would change.
   * @example tensor([1, 2]).expand(3, -1)
   */
  expand(...sizes: (number | number[])[]): Tensor { return indexOps.expand(this, ...sizes); }
  /** Tiles `sizes[i]` times along each dimension (leading ones added). @example x.repeat(2, 1) */
  repeat(...sizes: (number | number[])[]): Tensor { return indexOps.repeat(this, ...sizes); }

  toString(): string {
    const flags = this.requiresGrad ? (this.gradFn ? `, gradFn=${this.gradFn.name}` : ', requiresGrad') : '';
    return `Tensor(shape=${formatShape(this.shape)}${flags})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this.numel > 0 && this.numel <= 64) return `${this.toString()} ${JSON.stringify(this.toArray())}`;
    return this.toString();
  }
}

/**
 * Builds an op's result: records `backward` when grad mode is on and an input requires grad.
 * `backward` may return arrays that alias its argument or each other: the engine copies
 * before it accumulates into one.
 */
export function fromOp(data: Float32Array, shape: number[], inputs: Tensor[], name: string, backward: BackwardFn): Tensor {
  const out = new Tensor(data, shape, false);
  if (gradEnabled) {
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i].requiresGrad) {
        out.requiresGrad = true;
        out.gradFn = { name, inputs, backward };
        break;
      }
    }
  }
  return out;
}

const freshGrads = new WeakSet<Float32Array>();

/**
 * Marks a gradient that a backward function allocated and keeps no other reference to, and
 * returns it: the engine may then keep it as a leaf's `.grad` or add into it in place, where
 * it otherwise copies (an unmarked array may alias the output's gradient or another input's).
 * Worth it for large gradients: the copy is a full read, write and allocation.
 * @example return [freshGrad(dx), freshGrad(dw)];
 */
export function freshGrad(a: Float32Array): Float32Array {
  freshGrads.add(a);
  return a;
}

function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0].gradFn ? top[0].gradFn.inputs : [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next.requiresGrad && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order;
}

function runBackward(root: Tensor, seed: Float32Array): void {
  const order = topoSort(root);
  // Gradient per tensor; `owned` says whether the engine may add into the array in place.
  const grads = new Map<Tensor, { g: Float32Array; owned: boolean }>();
  grads.set(root, { g: seed, owned: false });
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    const entry = grads.get(t);
    if (!entry) continue;
    grads.delete(t);
    if (t.gradFn === null) {
      if (t.grad === null) {
        t.grad = new Tensor(entry.owned ? entry.g : entry.g.slice(), t.shape.slice());
      } else {
        const acc = t.grad.data;
        const g = entry.g;
        for (let i = 0; i < acc.length; i++) acc[i] += g[i];
      }
      continue;
    }
    const inputGrads = t.gradFn.backward(entry.g);
    const inputs = t.gradFn.inputs;
    for (let i = 0; i < inputs.length; i++) {
      const gi = inputGrads[i];
      const inp = inputs[i];
      if (!gi || !inp.requiresGrad) continue;
      const prev = grads.get(inp);
      if (!prev) {
        // delete() claims a fresh array once: should an op return it for two inputs, the
        // second is copied before anything is added into it.
        grads.set(inp, { g: gi, owned: freshGrads.delete(gi) });
      } else {
        if (!prev.owned) {
          prev.g = prev.g.slice();
          prev.owned = true;
        }
        const acc = prev.g;
        for (let j = 0; j < acc.length; j++) acc[j] += gi[j];
      }
    }
  }
}

// ---- factories ---------------------------------------------------------------------------

function inferShape(where: string, values: Nested, shape: number[] = []): number[] {
  if (typeof values === 'number') return shape;
  if (!Array.isArray(values)) throw typeError(where, 'a number, nested arrays of numbers or a Float32Array', 'values', values);
  shape.push(values.length);
  if (values.length === 0) return shape;
  return inferShape(where, values[0], shape);
}

function fillNested(where: string, values: Nested, shape: number[], dim: number, out: Float32Array, at: number): number {
  if (dim === shape.length) {
    if (typeof values !== 'number') throw typeError(where, 'a number', 'values (an element)', values);
    out[at] = values;
    return at + 1;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new RangeError(`${where}: expected a rectangular nested array of shape ${formatShape(shape)} for values, got a ragged one (${describe(values)} at depth ${dim})`);
  }
  for (const v of values) at = fillNested(where, v, shape, dim + 1, out, at);
  return at;
}

export interface TensorOptions {
  shape?: number | number[];
  requiresGrad?: boolean;
}

/**
 * Creates a tensor from a number, nested arrays or a Float32Array (copied).
 * @param values the data; a Float32Array is read flat, in `shape` if given.
 * @param opts `{ shape?, requiresGrad = false }`
 * @throws TypeError for non-numeric data; RangeError for ragged arrays or a shape that does not fit.
 * @example tensor([[1, 2], [3, 4]]); tensor(new Float32Array(6), { shape: [2, 3] });
 */
export function tensor(values: Nested | Float32Array | ArrayLike<number>, opts: TensorOptions = {}): Tensor {
  const where = 'tensor';
  if (opts === null || typeof opts !== 'object') throw typeError(where, 'an options object', 'options', opts);
  const requiresGrad = opts.requiresGrad ?? false;
  if (typeof requiresGrad !== 'boolean') throw typeError(where, 'a boolean', 'requiresGrad', requiresGrad);
  let data: Float32Array;
  let shape: number[];
  if (ArrayBuffer.isView(values)) {
    if (values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array || isDetached(values.buffer)) {
      throw typeError(where, 'a number, nested arrays of numbers or a Float32Array', 'values', values);
    }
    data = Float32Array.from(values as ArrayLike<number>);
    shape = [data.length];
  } else {
    shape = inferShape(where, values as Nested);
    data = new Float32Array(numelOf(shape));
    fillNested(where, values as Nested, shape, 0, data, 0);
  }
  if (opts.shape !== undefined) {
    const s = checkShape(where, opts.shape);
    if (numelOf(s) !== data.length) {
      throw new RangeError(`${where}: expected ${numelOf(s)} values for shape ${formatShape(s)}, got ${data.length}`);
    }
    shape = s;
  }
  return new Tensor(data, shape, requiresGrad);
}

/** A tensor of zeros. @example zeros([2, 3]) */
export function zeros(shape: number | number[]): Tensor {
  const s = checkShape('zeros', shape);
  return new Tensor(new Float32Array(numelOf(s)), s);
}

/** A tensor of ones. @example ones(3) */
export function ones(shape: number | number[]): Tensor {
  return full(shape, 1);
}

/** A tensor filled with `value`. @example full([2, 2], 0.5) */
export function full(shape: number | number[], value: number): Tensor {
  const s = checkShape('full', shape);
  if (typeof value !== 'number') throw typeError('full', 'a number', 'value', value);
  // NaN and the infinities are float32 values; a finite number past its range is not (PyTorch:
  // "value cannot be converted to type float without overflow").
  if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) {
    throw rangeError('full', `NaN, +-Infinity or a number in float32 range [-${FLOAT32_MAX}, ${FLOAT32_MAX}]`, 'value', value);
  }
  return new Tensor(new Float32Array(numelOf(s)).fill(value), s);
}

/**
 * 0, 1, ..., n-1 (or start, start+step, ... below end).
 * @throws TypeError for a non-number; RangeError for a non-finite bound, step 0, or an end on
 *   the other side of start than step points (arange(-5), as PyTorch).
 * @example arange(5)
 */
export function arange(n: number, end?: number, step = 1): Tensor {
  const where = 'arange';
  const start = end === undefined ? 0 : n;
  const stop = end === undefined ? n : end;
  for (const [name, v] of [['start', start], ['end', stop], ['step', step]] as const) {
    if (typeof v !== 'number') throw typeError(where, 'a number', name, v);
    if (!Number.isFinite(v)) throw rangeError(where, 'a finite number', name, v);
  }
  if (step === 0) throw rangeError(where, 'a non-zero number', 'step', step);
  // An end on the wrong side of start is a mistake (arange(-5)), not an empty range: PyTorch
  // refuses it ("upper bound and larger bound inconsistent with step sign").
  if (step > 0 ? stop < start : stop > start) {
    throw rangeError(where, `a number ${step > 0 ? '>=' : '<='} start (${describe(start)}), as step ${describe(step)} is ${step > 0 ? 'positive' : 'negative'},`, 'end', stop);
  }
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_NUMEL) {
    throw new RangeError(`${where}: expected at most 2^31-1 elements for (start, end, step), got (${describe(start)}, ${describe(stop)}, ${describe(step)}): ${count} elements`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = start + i * step;
  return new Tensor(data, [count]);
}

/** The n x n identity (n x m with a second argument). @example eye(3) */
export function eye(n: number, m: number = n): Tensor {
  checkInt('eye', 'n', n, 0, MAX_NUMEL);
  checkInt('eye', 'm', m, 0, MAX_NUMEL);
  const s = checkShape('eye', [n, m], 'shape [n, m]');
  const t = new Tensor(new Float32Array(s[0] * s[1]), s);
  for (let i = 0; i < Math.min(s[0], s[1]); i++) t.data[i * s[1] + i] = 1;
  return t;
}

/** Wraps an existing Float32Array without copying (internal and for advanced users). */
export function fromData(data: Float32Array, shape: number[]): Tensor {
  return new Tensor(data, shape);
}

/**
 * Accepts a Tensor where an op needs one, and checks that it is still whole: `data` is
 * assignable and its buffer can be transferred to a worker, so a tensor can come to hold a
 * Float64Array, data of another length than its shape, or a detached (empty) buffer. Ops read
 * `data` by the shape's count, so such a tensor would otherwise give garbage (or reach the
 * native backstop under another argument's name).
 * @throws TypeError for a non-Tensor, or a tensor whose data is not a Float32Array or is
 *   detached; RangeError for data whose length is not the shape's element count.
 */
export function checkTensor(where: string, name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw typeError(where, 'a Tensor', name, t);
  const d = t.data as unknown;
  const shape = t.shape as unknown;
  if (d instanceof Float32Array && Array.isArray(shape) && d.length === numelOf(shape)) return t;
  if (!Array.isArray(shape)) throw typeError(where, 'a Tensor whose shape is an array of sizes', name, shape);
  const what = `a Tensor whose data is a Float32Array of ${numelOf(shape)} elements (its shape ${formatShape(shape)})`;
  const got = `${describe(d)} as data`;
  if (!(d instanceof Float32Array) || isDetached(d.buffer)) throw new TypeError(`${where}: expected ${what} for ${name}, got ${got}`);
  throw new RangeError(`${where}: expected ${what} for ${name}, got ${got}`);
}
