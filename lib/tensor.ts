// The Tensor: a float32, contiguous, row-major buffer with a shape, plus reverse-mode autograd.
//
// Autograd follows micrograd's engine.py: every op builds its result with `fromOp`, passing
// a closure that maps the output's gradient to its inputs' gradients; `backward()` sorts the
// graph once (iteratively, so deep graphs cannot overflow the stack) and runs the closures in
// reverse order. Gradients accumulate into leaves' `.grad`, as PyTorch's.
import { MAX_NUMEL, checkShape, formatShape, numelOf, sameShape, shapeFromArgs } from './shape';
import { FLOAT32_MAX, checkBoolean, checkInt, describe, isDetached, rangeError, typeError } from './errors';
import { rangeErrorText, typeErrorText, shapeError } from './errors';
import { checkOptionNames, expectArity } from './options';
import * as binary from './ops/binary';
import * as unary from './ops/unary';
import * as reduce from './ops/reduce';
import * as view from './ops/view';
import * as linalg from './ops/linalg';
import * as inplace from './ops/inplace';
import { AsyncLocalStorage } from 'async_hooks';
import * as compare from './ops/compare';
import * as stats from './ops/stats';
import * as sort from './ops/sort';
import * as join from './ops/join';
import * as indexOps from './ops/index_ops';
import type { Indices } from './ops/common';

/**
 * Maps the gradient of an op's output to the gradients of its inputs (null: no gradient).
 * @inline
 */
export type BackwardFn = (grad: Float32Array) => (Float32Array | null)[];

/**
 * The recorded op that produced a tensor (its `gradFn`), as PyTorch's grad_fn.
 * @example kiln.tensor([1, 2], { requiresGrad: true }).mul(2).gradFn?.name; // 'mul'
 */
export interface GradFn {
  /** The op's name, e.g. 'matmul'. */
  name: string;
  /** The tensors the op read, in argument order. */
  inputs: Tensor[];
  /** Maps the gradient of the op's output to its inputs' gradients (null for none). */
  backward: BackwardFn;
}

/**
 * A gradient hook (see {@link Tensor.registerHook}): called with the gradient of the tensor it
 * was registered on; a returned Tensor (of the same shape) replaces that gradient.
 * @example const hook: kiln.TensorHook = (g) => g.mul(0.5);
 */
export type TensorHook = (grad: Tensor) => Tensor | void | undefined | null;

/**
 * What {@link Tensor.registerHook} returns, as PyTorch's RemovableHandle.
 * @example const h = x.registerHook((g) => g.mul(2)); h.remove();
 */
export interface TensorHookHandle {
  /** Unregisters the hook; calling it again does nothing. */
  remove(): void;
}

// The engine's view of a recorded op. `edges[i]` is where input i's gradient goes, fixed when
// the op was recorded, as PyTorch's next_edges: the input's gradFn then (a non-leaf), the
// input itself (a leaf that required grad), or null. Edges point to nodes, not tensors, so an
// in-place op that later gives a tensor a new gradFn cannot reroute gradients of ops that
// used the tensor before. `saved` are the arrays the backward reads and `versions` their
// versions when the op ran (see versionOf), checked before the backward runs.
interface Node extends GradFn {
  edges: (Node | Tensor | null)[];
  saved: readonly Float32Array[];
  versions: number[];
  shape: number[];
  hooks: TensorHook[] | null;
}

// PyTorch's version counter, one per Float32Array: tensors sharing a buffer (views made by
// reshape/view/flatten/squeeze/unsqueeze, detach, fromData) share it, since a write through
// one is a write to all. Bumped by every in-place op; an array never written in place has none.
const versionCounters = new WeakMap<Float32Array, { version: number }>();

/** The in-place version of `data` (0 until an in-place op writes it). */
export function versionOf(data: Float32Array): number {
  const c = versionCounters.get(data);
  return c === undefined ? 0 : c.version;
}

/** Records an in-place write to `data`: every tensor sharing it sees the new version. */
export function bumpVersion(data: Float32Array): void {
  const c = versionCounters.get(data);
  if (c === undefined) versionCounters.set(data, { version: 1 });
  else c.version++;
}

// Differentiable views of one base (tensors made from it by shape-only ops, sharing its
// buffer). After an in-place op recorded on one member (the writer), the others' gradFns are
// stale: syncView gives each, when next used, a view node of the writer's new gradFn, as
// PyTorch regenerates a view's grad_fn after an in-place op on its base or a sibling view.
interface ViewFamily {
  base: Tensor;
  epoch: number;
  writer: Tensor | null;
  fn: Node | null;
}
let viewEpoch = 0;

let gradEnabled = true;
// noGrad's mode lives in the async context, so that an async function keeps it across its
// awaits (a plain flag would be restored when the function first suspends, and the rest would
// record gradients). Outside noGrad there is no store and the flag above decides.
const gradContext = new AsyncLocalStorage<{ enabled: boolean }>();

/** toArray's bound on the nested arrays of an empty tensor (2^24: about 1 GB of empty arrays). */
const MAX_NESTED_ARRAYS = 2 ** 24;

/**
 * Whether ops record gradients now (false inside {@link noGrad}), as torch.is_grad_enabled.
 * @example kiln.noGrad(() => kiln.isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  if (arguments.length > 0) expectArity('isGradEnabled', arguments, 0);
  const ctx = gradContext.getStore();
  return ctx === undefined ? gradEnabled : ctx.enabled;
}

/**
 * Runs `fn` without recording gradients and returns its result, as `with torch.no_grad()`;
 * the previous mode is restored afterwards, even when fn throws. `fn` may be async: the mode
 * holds across its awaits (it is kept in the async context, `AsyncLocalStorage`), for
 * everything `fn` runs and awaits until its promise settles, while code outside `fn` that runs
 * in between (another request, a timer set earlier) keeps its own.
 * @param fn the work to run; its return value (or promise) is returned
 * @throws {TypeError} when fn is not a function.
 * @example const pred = kiln.noGrad(() => model.forward(x));
 * @example const acc = await kiln.noGrad(async () => { for await (const [x, y] of batches) score(model.forward(x), y); });
 */
export function noGrad<T>(fn: () => T): T {
  if (arguments.length > 1) expectArity('noGrad', arguments, 1);
  if (typeof fn !== 'function') throw typeError('noGrad', 'a function', 'fn', fn);
  return gradContext.run({ enabled: false }, fn);
}

/**
 * Sets whether ops record gradients (inside noGrad: for the rest of it); returns the previous
 * setting, as torch.set_grad_enabled.
 * @example const prev = kiln.setGradEnabled(false); try { evaluate(); } finally { kiln.setGradEnabled(prev); }
 */
export function setGradEnabled(enabled: boolean): boolean {
  if (arguments.length > 1) expectArity('setGradEnabled', arguments, 1);
  const ctx = gradContext.getStore();
  const prev = ctx === undefined ? gradEnabled : ctx.enabled;
  if (ctx === undefined) gradEnabled = enabled;
  else ctx.enabled = enabled;
  return prev;
}

/**
 * A number or nested arrays of numbers, as {@link Tensor.toArray} returns and {@link tensor} takes.
 * @example const rows: kiln.Nested = [[1, 2], [3, 4]];
 */
export type Nested = number | Nested[];

/**
 * A float32 tensor: a contiguous row-major Float32Array with a shape, and reverse-mode
 * autograd (PyTorch semantics). Construct with the factories (`kiln.tensor`, `kiln.zeros`,
 * `kiln.randn`, ...). Ops return new tensors; those that change the shape without moving
 * data (reshape, view, flatten, squeeze, unsqueeze) share the buffer.
 *
 * Every op checks that its tensors are intact and throws a TypeError (RangeError for a
 * length mismatch) naming the argument when `data` was replaced by something other than a
 * Float32Array of the shape's element count, or its buffer was transferred away.
 * @example
 * ```ts
 * const x = kiln.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad?.toArray(); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** The live buffer: writes show in the tensor. */
  data: Float32Array;
  /** The size of each dimension, e.g. `[2, 3]`; `[]` for a scalar. */
  shape: number[];
  /** The gradient accumulated by `backward()` (on leaves that require grad); null until then. */
  grad: Tensor | null = null;
  /** Whether ops on this tensor record the graph so that `backward()` reaches it. */
  requiresGrad: boolean;
  /** The op that produced this tensor, or null for a leaf. */
  gradFn: GradFn | null = null;
  /** @internal Hooks of a leaf (a non-leaf's live on its gradFn). */
  _hooks: TensorHook[] | null = null;
  /** @internal The views sharing this buffer (null until a view of it is made). */
  _family: ViewFamily | null = null;
  /** @internal The family epoch this tensor's gradFn reflects. */
  _epoch = 0;

  /**
   * Wraps `data` (not copied) with `shape`; prefer the factories, which accept nested arrays.
   * @param data the elements in row-major order; the tensor keeps this array
   * @param shape the sizes, whose product is data.length
   * @param requiresGrad [false] record ops on it for `backward()`
   * @throws {TypeError} for data that is not a Float32Array, a shape that is not an array of
   *   numbers or a non-boolean requiresGrad.
   * @throws {RangeError} for sizes that are not non-negative integers or data whose length is
   *   not the shape's element count.
   * @example new kiln.Tensor(new Float32Array([1, 2, 3, 4]), [2, 2]);
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
      throw rangeErrorText('Tensor', `length ${n} (shape ${formatShape(shape)})`, 'data', isDetached(data.buffer) ? 'a detached Float32Array' : `${data.length}`);
    }
    if (typeof requiresGrad !== 'boolean') throw typeError('Tensor', 'a boolean', 'requiresGrad', requiresGrad);
    this.data = data;
    this.shape = shape;
    this.requiresGrad = requiresGrad;
  }

  /** The number of dimensions, `shape.length`. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements, the product of the shape (1 for a scalar). */
  get numel(): number {
    return this.data.length;
  }

  /** True when no recorded op produced this tensor (a parameter or an input). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * Sets requiresGrad in place and returns this, as torch's requires_grad_(). Only a leaf's
   * flag can change: a computed tensor requires grad because its inputs do (use
   * {@link Tensor.detach} for a copy of it outside the graph).
   * @param flag [true] the new setting
   * @throws {TypeError} when flag is not a boolean.
   * @throws {RangeError} when flag is false and this is not a leaf, as PyTorch's "you can only
   *   change requires_grad flags of leaf variables".
   * @example const w = kiln.randn([3, 3]).requiresGrad_();
   */
  requiresGrad_(flag = true): this {
    if (arguments.length > 1) expectArity('Tensor.requiresGrad_', arguments, 1);
    checkBoolean('Tensor.requiresGrad_', 'flag', flag);
    syncView(this);
    if (this.gradFn !== null && !flag) {
      throw rangeErrorText('Tensor.requiresGrad_', "a leaf tensor (only leaves' requiresGrad can change; use detach())", 'input', `one computed by ${this.gradFn.name}`);
    }
    if (this.gradFn === null) this.requiresGrad = flag;
    return this;
  }

  /**
   * How many in-place ops have written this tensor's data, as PyTorch's `_version`; tensors
   * that share the buffer (views, `detach()`) share the count. Backward checks the versions of
   * the tensors an op saved, so that modifying one between the forward and backward pass is an
   * error, not a wrong gradient.
   * @example const x = kiln.zeros([2]); x.add_(1); x.version; // 1
   */
  get version(): number {
    return versionOf(this.data);
  }

  // ---- autograd -------------------------------------------------------------------------

  /**
   * Computes gradients of this tensor with respect to every leaf that requires them.
   * @param grad [1 for a one-element tensor] the gradient of some scalar with respect to this tensor.
   * Gradients accumulate: call `optimizer.zeroGrad()` (or set `.grad = null`) between steps.
   * @throws {TypeError} when grad is not a Tensor, a number, nested arrays or a Float32Array.
   * @throws {RangeError} when this tensor does not require grad, when grad is omitted for a
   *   tensor of more than one element, or when grad's element count differs from this one's.
   * @example loss.backward(); // then read w.grad
   */
  backward(grad?: Tensor | number | Nested | Float32Array): void {
    if (arguments.length > 1) expectArity('Tensor.backward', arguments, 1);
    checkTensor('Tensor.backward', 'input', this);
    syncView(this);
    if (!this.requiresGrad) {
      throw rangeErrorText('Tensor.backward', 'a tensor that requires grad (computed from a tensor with requiresGrad)', 'input', 'one that does not');
    }
    let seed: Float32Array;
    if (grad === undefined || grad === null) {
      if (this.numel !== 1) {
        throw rangeErrorText('Tensor.backward', `a Tensor of shape ${formatShape(this.shape)} (it can be omitted only for a one-element tensor)`, 'grad', 'none');
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
        throw shapeError('Tensor.backward', `shape ${formatShape(this.shape)}`, 'grad', g.shape);
      }
      // Not copied: the engine copies the caller's array only if it must write into it.
      seed = g.data;
    }
    runBackward(this, seed);
  }

  /**
   * A tensor sharing this one's data, cut from the graph (requiresGrad false), as torch.detach.
   * @example const target = prediction.detach();
   */
  detach(): Tensor {
    if (arguments.length > 0) expectArity('Tensor.detach', arguments, 0);
    checkTensor('Tensor.detach', 'input', this);
    return new Tensor(this.data, this.shape.slice(), false);
  }

  // ---- in-place ops (trailing underscore, as PyTorch) ----------------------------------
  // Implementations and rules (version counter, leaf checks, history rebasing): lib/ops/inplace.ts.

  /**
   * Adds `other` (times alpha) into this tensor in place and returns it, as torch's add_:
   * `this += alpha * other`, other broadcast to this tensor's shape. Differentiable.
   * @param other a tensor broadcastable to this one's shape, or a number
   * @param opts `{ alpha = 1 }`, the multiplier of other
   * @throws {TypeError} when other is neither a Tensor nor a number, or alpha is not a number.
   * @throws {RangeError} when other does not broadcast to this shape, or this is a leaf (or a
   *   view of one) that requires grad while grad mode is on (modify it inside {@link noGrad}).
   * @example kiln.noGrad(() => w.add_(w.grad!, { alpha: -0.1 }));
   */
  add_(other: Tensor | number, opts?: { alpha?: number }): this { if (arguments.length > 1) expectArity('Tensor.add_', arguments, 1, true); inplace.add_(this, other, opts); return this; }
  /**
   * Subtracts `other` (times alpha) from this tensor in place and returns it, as torch's sub_.
   * @param other a tensor broadcastable to this one's shape, or a number
   * @param opts `{ alpha = 1 }`, the multiplier of other
   * @throws {TypeError} when other is neither a Tensor nor a number, or alpha is not a number.
   * @throws {RangeError} as {@link Tensor.add_}.
   * @example kiln.noGrad(() => w.sub_(w.grad!.mul(0.1)));
   */
  sub_(other: Tensor | number, opts?: { alpha?: number }): this { if (arguments.length > 1) expectArity('Tensor.sub_', arguments, 1, true); inplace.sub_(this, other, opts); return this; }
  /**
   * Multiplies this tensor by `other` in place and returns it, as torch's mul_.
   * @param other a tensor broadcastable to this one's shape, or a number
   * @throws {TypeError} when other is neither a Tensor nor a number.
   * @throws {RangeError} as {@link Tensor.add_}.
   * @example const y = x.mul(2); y.mul_(3); // y = 6x, y.gradFn.name === 'mul_'
   */
  mul_(other: Tensor | number): this { if (arguments.length > 1) expectArity('Tensor.mul_', arguments, 1); inplace.mul_(this, other); return this; }
  /**
   * Divides this tensor by `other` in place and returns it, as torch's div_.
   * @param other a tensor broadcastable to this one's shape, or a number
   * @throws {TypeError} when other is neither a Tensor nor a number.
   * @throws {RangeError} as {@link Tensor.add_}.
   * @example h.div_(h.norm());
   */
  div_(other: Tensor | number): this { if (arguments.length > 1) expectArity('Tensor.div_', arguments, 1); inplace.div_(this, other); return this; }
  /**
   * Sets every element to 0 in place and returns this, as torch's zero_ (the gradient to the
   * previous values is 0).
   * @throws {RangeError} when this is a leaf (or a view of one) that requires grad while grad
   *   mode is on.
   * @example kiln.noGrad(() => w.grad!.zero_());
   */
  zero_(): this { if (arguments.length > 0) expectArity('Tensor.zero_', arguments, 0); inplace.fill_(this, 0, 'Tensor.zero_', 'zero_'); return this; }
  /**
   * Sets every element to `value` in place and returns this, as torch's fill_.
   * @param value the fill value (rounded to float32)
   * @throws {TypeError} when value is not a number.
   * @throws {RangeError} as {@link Tensor.zero_}.
   * @example kiln.zeros([2, 2]).fill_(0.5);
   */
  fill_(value: number): this { if (arguments.length > 1) expectArity('Tensor.fill_', arguments, 1); inplace.fill_(this, value, 'Tensor.fill_', 'fill_'); return this; }
  /**
   * Copies `src` (broadcast to this shape) into this tensor in place and returns this, as
   * torch's copy_; the gradient flows to src, none to the previous values.
   * @param src a tensor broadcastable to this one's shape
   * @throws {TypeError} when src is not a Tensor.
   * @throws {RangeError} as {@link Tensor.add_}.
   * @example kiln.noGrad(() => target.weight.copy_(online.weight));
   */
  copy_(src: Tensor): this { if (arguments.length > 1) expectArity('Tensor.copy_', arguments, 1); inplace.copy_(this, src); return this; }
  /**
   * Clamps every element into [min, max] in place and returns this, as torch's clamp_: an
   * element below min becomes min, above max becomes max (max wins when min > max); NaN stays.
   * The gradient passes where min <= x <= max, else it is 0.
   * @param min [none] the lower bound (undefined or null for none)
   * @param max [none] the upper bound (undefined or null for none)
   * @throws {TypeError} when a bound is not a number.
   * @throws {RangeError} when both bounds are omitted, or as {@link Tensor.add_}.
   * @example kiln.tensor([-2, 0.5, 3]).clamp_(0, 1); // [0, 0.5, 1]
   */
  clamp_(min?: number | null, max?: number | null): this { if (arguments.length > 2) expectArity('Tensor.clamp_', arguments, 2); inplace.clamp_(this, min, max); return this; }
  /**
   * Cuts this tensor from the graph in place and returns it, as torch's detach_: gradFn
   * becomes null and requiresGrad false.
   * @throws {RangeError} for a view (made by reshape, view, flatten, squeeze or unsqueeze from
   *   another tensor), as PyTorch's "Can't detach views in-place"; use {@link Tensor.detach}.
   * @example hidden.detach_(); // truncated backpropagation through time
   */
  detach_(): this { if (arguments.length > 0) expectArity('Tensor.detach_', arguments, 0); inplace.detach_(this); return this; }
  /**
   * Registers `fn` to be called with this tensor's gradient during backward, as PyTorch's
   * register_hook: on a leaf before the gradient is added into `.grad`, on a computed tensor
   * once its gradient is complete and before it flows on. When fn returns a Tensor (of the
   * same shape) that replaces the gradient, and the next hook receives it; hooks run in the
   * order they were registered.
   * @param fn `(grad) => Tensor | void`
   * @returns a handle whose `remove()` unregisters the hook
   * @throws {TypeError} when fn is not a function.
   * @throws {RangeError} when this tensor does not require grad (then it has no gradient);
   *   during backward, when a hook returns a tensor of another shape.
   * @example const h = w.registerHook((g) => g.clamp_(-1, 1)); loss.backward(); h.remove();
   */
  registerHook(fn: TensorHook): TensorHookHandle { if (arguments.length > 1) expectArity('Tensor.registerHook', arguments, 1); return inplace.registerHook(this, fn); }

  /**
   * A copy of the data, differentiable (the gradient passes through unchanged).
   * @example const snapshot = w.clone();
   */
  clone(): Tensor {
    if (arguments.length > 0) expectArity('Tensor.clone', arguments, 0);
    return view.clone(this);
  }

  /**
   * The value of a one-element tensor as a number.
   * @throws {RangeError} when the tensor does not have exactly one element.
   * @example const value = loss.item();
   */
  item(): number {
    if (arguments.length > 0) expectArity('Tensor.item', arguments, 0);
    checkTensor('Tensor.item', 'input', this);
    if (this.numel !== 1) throw rangeErrorText('Tensor.item', 'a one-element tensor', 'input', `shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /**
   * The data as nested arrays of numbers (a number for shape []).
   * @throws {RangeError} for an empty tensor whose shape would need more than 2^24 nested
   *   arrays (such as [2^31 - 1, 0]).
   * @example kiln.arange(4).reshape([2, 2]).toArray(); // [[0, 1], [2, 3]]
   */
  toArray(): Nested {
    if (arguments.length > 0) expectArity('Tensor.toArray', arguments, 0);
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
      throw rangeErrorText('Tensor.toArray', `at most ${MAX_NESTED_ARRAYS} nested arrays`, 'input', `shape ${formatShape(this.shape)} (${arrays})`);
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

  /**
   * Elementwise `this + other`, with NumPy broadcasting: shapes are aligned from the last
   * dimension, and each pair of sizes must be equal or one of them 1 (a missing dimension
   * counts as 1); the result has the larger size in each. The gradient is summed back over
   * the broadcast dimensions, as torch.add.
   * @param other a tensor broadcastable with this one, or a number
   * @returns a new tensor of the broadcast shape
   * @throws {TypeError} when other is neither a Tensor nor a number.
   * @throws {RangeError} when the shapes cannot be broadcast together.
   * @example kiln.tensor([[1, 2], [3, 4]]).add(kiln.tensor([10, 20])); // [[11, 22], [13, 24]]
   */
  add(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.add', arguments, 1); return binary.add(this, other); }
  /**
   * Elementwise `this - other`, with NumPy broadcasting (see {@link Tensor.add}).
   * @param other a tensor broadcastable with this one, or a number
   * @throws {TypeError} when other is neither a Tensor nor a number.
   * @throws {RangeError} when the shapes cannot be broadcast together.
   * @example kiln.tensor([3, 5]).sub(1); // [2, 4]
   */
  sub(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.sub', arguments, 1); return binary.sub(this, other); }
  /**
   * Elementwise (Hadamard) product `this * other`, with NumPy broadcasting (see {@link Tensor.add}).
   * For the matrix product use {@link Tensor.matmul}.
   * @param other a tensor broadcastable with this one, or a number
   * @throws {TypeError} when other is neither a Tensor nor a number.
   * @throws {RangeError} when the shapes cannot be broadcast together.
   * @example kiln.tensor([[1, 2], [3, 4]]).mul(kiln.tensor([[10], [100]])); // [[10, 20], [300, 400]]
   */
  mul(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.mul', arguments, 1); return binary.mul(this, other); }
  /**
   * Elementwise `this / other`, with NumPy broadcasting (see {@link Tensor.add}); division by
   * zero gives ±Infinity or NaN, as IEEE float32.
   * @param other a tensor broadcastable with this one, or a number
   * @throws {TypeError} when other is neither a Tensor nor a number.
   * @throws {RangeError} when the shapes cannot be broadcast together.
   * @example kiln.tensor([1, 2, 3]).div(2); // [0.5, 1, 1.5]
   */
  div(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.div', arguments, 1); return binary.div(this, other); }
  /**
   * Elementwise negation, `-x`.
   * @example kiln.tensor([1, -2]).neg(); // [-1, 2]
   */
  neg(): Tensor { if (arguments.length > 0) expectArity('Tensor.neg', arguments, 0); return unary.neg(this); }
  /**
   * Elementwise `e^x`; the gradient is `e^x` itself.
   * @example kiln.tensor([0, 1]).exp(); // [1, 2.7183]
   */
  exp(): Tensor { if (arguments.length > 0) expectArity('Tensor.exp', arguments, 0); return unary.exp(this); }
  /**
   * Elementwise natural logarithm, `ln x`: -Infinity at 0, NaN below. Gradient `1 / x`.
   * @example kiln.tensor([1, Math.E]).log(); // [0, 1]
   */
  log(): Tensor { if (arguments.length > 0) expectArity('Tensor.log', arguments, 0); return unary.log(this); }
  /**
   * Elementwise square root, `√x` (NaN for x < 0). Gradient `1 / (2√x)`.
   * @example kiln.tensor([4, 9]).sqrt(); // [2, 3]
   */
  sqrt(): Tensor { if (arguments.length > 0) expectArity('Tensor.sqrt', arguments, 0); return unary.sqrt(this); }
  /**
   * Elementwise absolute value, `|x|`. The gradient is sign(x), 0 at 0, as PyTorch's.
   * @example kiln.tensor([-1.5, 2]).abs(); // [1.5, 2]
   */
  abs(): Tensor { if (arguments.length > 0) expectArity('Tensor.abs', arguments, 0); return unary.abs(this); }
  /**
   * Elementwise power `x^p` for a number p (Math.pow semantics: NaN for a negative x and a
   * fractional p). Gradient `p x^(p-1)`, and 0 everywhere when p is 0, as PyTorch's.
   * @param p the exponent, a finite number
   * @throws {TypeError} when p is not a number.
   * @throws {RangeError} when p is NaN or infinite.
   * @example kiln.tensor([1, 2, 3]).pow(2); // [1, 4, 9]
   */
  pow(p: number): Tensor { if (arguments.length > 1) expectArity('Tensor.pow', arguments, 1); return unary.pow(this, p); }
  /**
   * Rectified linear unit, `max(0, x)` elementwise (NaN stays NaN); the gradient passes where
   * the result is positive. Computed natively.
   * @example kiln.tensor([-1, 0, 2]).relu(); // [0, 0, 2]
   */
  relu(): Tensor { if (arguments.length > 0) expectArity('Tensor.relu', arguments, 0); return unary.relu(this); }
  /**
   * Logistic sigmoid, `σ(x) = 1 / (1 + e^(-x))` elementwise, computed without overflow for
   * large |x|. Gradient `σ(x)(1 - σ(x))`.
   * @example kiln.tensor([0]).sigmoid(); // [0.5]
   */
  sigmoid(): Tensor { if (arguments.length > 0) expectArity('Tensor.sigmoid', arguments, 0); return unary.sigmoid(this); }
  /**
   * Hyperbolic tangent elementwise, `(e^x - e^(-x)) / (e^x + e^(-x))`. Gradient `1 - tanh²(x)`.
   * @example kiln.tensor([0, 1]).tanh(); // [0, 0.7616]
   */
  tanh(): Tensor { if (arguments.length > 0) expectArity('Tensor.tanh', arguments, 0); return unary.tanh(this); }
  /**
   * Matrix product, with torch.matmul's rules: `(..., M, K) @ (..., K, N) -> (..., M, N)`.
   * A 1-D first operand is treated as a row `(1, K)` and a 1-D second as a column `(K, 1)`,
   * the added dimension being removed from the result (so 1-D @ 1-D is a dot product of
   * shape []); the batch dimensions (all but the last two) broadcast as in {@link Tensor.add}.
   * Each product is a native sgemm call.
   * @param other the right operand, with at least 1 dimension
   * @throws {TypeError} when other is not a Tensor.
   * @throws {RangeError} when an operand has 0 dimensions, the inner sizes differ (K != K'),
   *   or the batch dimensions cannot be broadcast.
   * @example kiln.randn([32, 784]).matmul(kiln.randn([784, 10])); // shape [32, 10]
   */
  matmul(other: Tensor): Tensor { if (arguments.length > 1) expectArity('Tensor.matmul', arguments, 1); return linalg.matmul(this, other); }
  /**
   * The transpose of a matrix, a copy; 0-D and 1-D tensors come back unchanged, as torch.t.
   * @throws {RangeError} for a tensor with more than 2 dimensions.
   * @example kiln.tensor([[1, 2, 3]]).t(); // shape [3, 1]
   */
  t(): Tensor { if (arguments.length > 0) expectArity('Tensor.t', arguments, 0); return view.t(this); }
  /**
   * Swaps two dimensions (negative indices count from the end). Tensors are contiguous, so
   * this copies the data.
   * @param dim0 a dimension in [-ndim, ndim - 1]
   * @param dim1 another dimension in [-ndim, ndim - 1]
   * @throws {TypeError} when a dimension is not a number.
   * @throws {RangeError} when a dimension is not an integer in range.
   * @example kiln.zeros([2, 3, 4]).transpose(0, 2); // shape [4, 3, 2]
   */
  transpose(dim0: number, dim1: number): Tensor { if (arguments.length > 2) expectArity('Tensor.transpose', arguments, 2); return view.transpose(this, dim0, dim1); }
  /**
   * Reorders the dimensions: dimension i of the result is dimension `dims[i]` of this tensor,
   * as torch.permute. Copies the data.
   * @param dims a permutation of 0..ndim-1 (negative indices count from the end), as one array
   *   or as separate arguments (`x.permute(2, 0, 1)`)
   * @throws {TypeError} when dims is not an array of numbers.
   * @throws {RangeError} when dims has the wrong length, an index out of range, or a repeat.
   * @example kiln.zeros([2, 3, 4]).permute([2, 0, 1]); // shape [4, 2, 3]
   */
  permute(dims: readonly number[]): Tensor;
  permute(...dims: number[]): Tensor;
  permute(...dims: unknown[]): Tensor {
    const d = shapeFromArgs('Tensor.permute', dims, 'dims');
    return view.permute(this, (typeof d === 'number' ? [d] : d) as number[]);
  }
  /**
   * The same data in a new shape with the same element count; one size may be -1, inferred
   * from the others. Shares the buffer (no copy) and is differentiable.
   * @param shape the new sizes (a number for 1-D), as one array or as separate arguments
   *   (`x.reshape(-1, 784)`, as PyTorch)
   * @throws {TypeError} when shape is not a number or an array of numbers.
   * @throws {RangeError} for a negative or non-integer size, or a shape whose element count
   *   differs from this tensor's.
   * @example kiln.arange(6).reshape([2, -1]); // shape [2, 3]
   */
  reshape(shape: number | readonly number[]): Tensor;
  reshape(...shape: number[]): Tensor;
  reshape(...shape: unknown[]): Tensor { return view.reshape(this, shapeFromArgs('Tensor.reshape', shape) as number[]); }
  /**
   * Alias of {@link Tensor.reshape} (kiln's tensors are always contiguous, so a view always works).
   * @param shape the new sizes; one may be -1; as one array or as separate arguments
   * @throws {TypeError} when shape is not a number or an array of numbers.
   * @throws {RangeError} for a bad size or a mismatched element count.
   * @example kiln.zeros([4, 4]).view(16); // shape [16]
   */
  view(shape: number | readonly number[]): Tensor;
  view(...shape: number[]): Tensor;
  view(...shape: unknown[]): Tensor { return view.reshape(this, shapeFromArgs('Tensor.view', shape) as number[]); }
  /**
   * This tensor viewed with other's shape, as torch.Tensor.view_as: `x.viewAs(other)` is
   * `x.view(other.shape)` (a view sharing x's buffer).
   * @param other the tensor whose shape to take; its element count must equal this one's
   * @throws {TypeError} when other is not a Tensor.
   * @throws {RangeError} when the element counts differ.
   * @example correct += pred.eq(target.viewAs(pred)).sum().item(); // target (N,), pred (N, 1)
   */
  viewAs(other: Tensor): Tensor {
    if (arguments.length > 1) expectArity('Tensor.viewAs', arguments, 1);
    checkTensor('Tensor.viewAs', 'other', other);
    if (other.numel !== this.numel) throw shapeError('Tensor.viewAs', `a Tensor of ${this.numel} elements (the input's size)`, 'other', other.shape);
    return view.reshape(this, other.shape.slice());
  }
  /**
   * Merges dimensions startDim..endDim (inclusive) into one; a 0-D tensor becomes shape [1].
   * Shares the buffer, as {@link Tensor.reshape}.
   * @param startDim [0] the first dimension to merge
   * @param endDim [-1] the last dimension to merge
   * @throws {TypeError} when a dimension is not a number.
   * @throws {RangeError} when a dimension is out of range or endDim comes before startDim.
   * @example kiln.zeros([8, 1, 28, 28]).flatten(1); // shape [8, 784]
   */
  flatten(startDim = 0, endDim = -1): Tensor { if (arguments.length > 2) expectArity('Tensor.flatten', arguments, 2); return view.flatten(this, startDim, endDim); }
  /**
   * Removes dimensions of size 1: all of them, or only `dim` (left as is when its size is not 1).
   * Shares the buffer.
   * @param dim [all] the dimension to remove
   * @throws {TypeError} when dim is not a number.
   * @throws {RangeError} when dim is not an integer in [-ndim, ndim - 1].
   * @example kiln.zeros([3, 1, 2]).squeeze(); // shape [3, 2]
   */
  squeeze(dim?: number): Tensor { if (arguments.length > 1) expectArity('Tensor.squeeze', arguments, 1); return view.squeeze(this, dim); }
  /**
   * Inserts a dimension of size 1 at `dim`. Shares the buffer.
   * @param dim the new dimension's index, in [-ndim - 1, ndim]
   * @throws {TypeError} when dim is not a number.
   * @throws {RangeError} when dim is not an integer in range.
   * @example kiln.tensor([1, 2, 3]).unsqueeze(0); // shape [1, 3]
   */
  unsqueeze(dim: number): Tensor { if (arguments.length > 1) expectArity('Tensor.unsqueeze', arguments, 1); return view.unsqueeze(this, dim); }
  /**
   * Sum over one or more dimensions (all when omitted, giving shape []), accumulated in float64.
   * @param dim [all] a dimension or an array of distinct dimensions
   * @param keepDim [false] keep the reduced dimensions with size 1
   * @throws {TypeError} when dim is not an integer or an array, or keepDim not a boolean.
   * @throws {RangeError} when a dimension is out of range or repeated.
   * @example kiln.tensor([[1, 2], [3, 4]]).sum(1); // [3, 7]
   */
  sum(dim?: number | number[], keepDim = false): Tensor { if (arguments.length > 2) expectArity('Tensor.sum', arguments, 2); return reduce.sum(this, dim, keepDim); }
  /**
   * Mean over one or more dimensions (all when omitted); NaN over zero elements, as PyTorch.
   * @param dim [all] a dimension or an array of distinct dimensions
   * @param keepDim [false] keep the reduced dimensions with size 1
   * @throws {TypeError} when dim is not an integer or an array, or keepDim not a boolean.
   * @throws {RangeError} when a dimension is out of range or repeated.
   * @example kiln.tensor([[1, 2], [3, 4]]).mean(0, true); // [[2, 3]]
   */
  mean(dim?: number | number[], keepDim = false): Tensor { if (arguments.length > 2) expectArity('Tensor.mean', arguments, 2); return reduce.mean(this, dim, keepDim); }
  /**
   * The maximum along `dim`, returned as torch.max(x, dim) returns it: the result is the
   * values tensor, with `.values` (itself) and `.indices` (float32 indices, not
   * differentiable) attached. Without dim, the largest element as shape [] (keepDim is then
   * ignored) and `.indices` its flat index; its gradient is spread evenly over ties. NaN wins
   * over any number, as PyTorch's.
   * @param dim [all] the dimension to reduce
   * @param keepDim [false] keep the reduced dimension with size 1
   * @throws {TypeError} when dim is not a number or keepDim not a boolean.
   * @throws {RangeError} for an empty tensor, an empty dimension, or dim out of range.
   * @example const { values, indices } = kiln.tensor([[1, 5], [7, 3]]).max(1); // [5, 7], [1, 0]
   */
  max(dim?: number, keepDim = false): Tensor & {
    /** The maximum values (the result itself). */
    values: Tensor;
    /** Their indices along dim as float32 (the flat index without dim). */
    indices: Tensor;
  } { if (arguments.length > 2) expectArity('Tensor.max', arguments, 2); return reduce.max(this, dim, keepDim); }
  /**
   * The index of the largest value along `dim` (the first one on ties; NaN counts as the
   * largest), as float32 values in a tensor without gradient. Without dim, the index into the
   * flattened tensor.
   * @param dim [all] the dimension to reduce
   * @param keepDim [false] keep the reduced dimension(s) with size 1
   * @throws {TypeError} when dim is not a number or keepDim not a boolean.
   * @throws {RangeError} for an empty tensor, an empty dimension, or dim out of range.
   * @example const predicted = logits.argmax(1); // class indices, shape [N]
   */
  argmax(dim?: number, keepDim = false): Tensor { if (arguments.length > 2) expectArity('Tensor.argmax', arguments, 2); return reduce.argmax(this, dim, keepDim); }
  /**
   * Softmax along `dim`: `softmax(x)_i = exp(x_i - m) / Σ_j exp(x_j - m)`, with `m = max_j x_j`
   * subtracted for stability; each slice along dim sums to 1.
   * @param dim the dimension to normalise over
   * @throws {TypeError} when dim is not a number.
   * @throws {RangeError} when dim is not an integer in [-ndim, ndim - 1].
   * @example kiln.tensor([[1, 2, 3]]).softmax(-1); // [[0.0900, 0.2447, 0.6652]]
   */
  softmax(dim: number): Tensor { if (arguments.length > 1) expectArity('Tensor.softmax', arguments, 1); return reduce.softmax(this, dim); }
  /**
   * Log-softmax along `dim`: `logSoftmax(x)_i = x_i - log Σ_j exp(x_j)`, computed as
   * `x_i - m - log Σ_j exp(x_j - m)` with `m = max_j x_j`, so it stays finite where
   * `softmax(x).log()` would underflow to -Infinity.
   * @param dim the dimension to normalise over
   * @throws {TypeError} when dim is not a number.
   * @throws {RangeError} when dim is not an integer in [-ndim, ndim - 1].
   * @example kiln.tensor([[1, 2, 3]]).logSoftmax(1); // [[-2.4076, -1.4076, -0.4076]]
   */
  logSoftmax(dim: number): Tensor { if (arguments.length > 1) expectArity('Tensor.logSoftmax', arguments, 1); return reduce.logSoftmax(this, dim); }

  // ---- issue 17: comparison, selection, joining and indexing ops ----

  /** 1 where input == other (broadcast), else 0; no gradient. @example x.eq(0) */
  eq(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.eq', arguments, 1); return compare.compare('eq', this, other); }
  /** 1 where input != other (broadcast), else 0; no gradient. @example x.ne(y) */
  ne(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.ne', arguments, 1); return compare.compare('ne', this, other); }
  /** 1 where input < other (broadcast), else 0; no gradient. @example x.lt(0.5) */
  lt(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.lt', arguments, 1); return compare.compare('lt', this, other); }
  /** 1 where input <= other (broadcast), else 0; no gradient. @example x.le(y) */
  le(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.le', arguments, 1); return compare.compare('le', this, other); }
  /** 1 where input > other (broadcast), else 0; no gradient. @example x.gt(0) */
  gt(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.gt', arguments, 1); return compare.compare('gt', this, other); }
  /** 1 where input >= other (broadcast), else 0; no gradient. @example x.ge(y) */
  ge(other: Tensor | number): Tensor { if (arguments.length > 1) expectArity('Tensor.ge', arguments, 1); return compare.compare('ge', this, other); }
  /**
   * This tensor where `condition` is non-zero, else `other` (all broadcast), as torch.Tensor.where.
   * @throws RangeError when the shapes do not broadcast.
   * @example x.where(x.gt(0), 0)
   */
  where(condition: Tensor, other: Tensor | number): Tensor { if (arguments.length > 2) expectArity('Tensor.where', arguments, 2); return compare.where(condition, this, other, 'Tensor.where', ['condition', 'input', 'other']); }
  /**
   * Clamps into [min, max] (numbers or broadcast tensors; either may be omitted): min(max(x, min), max).
   * The gradient passes where min <= x <= max, as PyTorch.
   * @throws TypeError when both bounds are missing.
   * @example x.clamp(0, 1); x.clamp(undefined, 6)
   */
  clamp(min?: Tensor | number | null, max?: Tensor | number | null): Tensor { if (arguments.length > 2) expectArity('Tensor.clamp', arguments, 2); return compare.clamp(this, min, max); }
  /** Elementwise minimum with `other` (broadcast); ties split the gradient in half. @example a.minimum(b) */
  minimum(other: Tensor): Tensor { if (arguments.length > 1) expectArity('Tensor.minimum', arguments, 1); return compare.extremum(false, this, other); }
  /** Elementwise maximum with `other` (broadcast); ties split the gradient in half. @example a.maximum(b) */
  maximum(other: Tensor): Tensor { if (arguments.length > 1) expectArity('Tensor.maximum', arguments, 1); return compare.extremum(true, this, other); }
  /**
   * Min over `dim`: the values, with `.values` (itself) and `.indices` attached as torch.min(x, dim);
   * the smallest element (shape []) without dim.
   * @throws RangeError for an empty tensor or a bad dim.
   * @example const { values, indices } = x.min(1);
   */
  min(dim?: number, keepDim = false): Tensor & sort.ValuesIndices { if (arguments.length > 2) expectArity('Tensor.min', arguments, 2); return compare.min(this, dim, keepDim); }
  /** Max over `dim` (one or several; all when omitted); the gradient is split evenly over ties. @example x.amax([0, 1]) */
  amax(dim?: number | number[], keepDim = false): Tensor { if (arguments.length > 2) expectArity('Tensor.amax', arguments, 2); return compare.aextremum(true, this, dim, keepDim); }
  /** Min over `dim` (one or several; all when omitted); the gradient is split evenly over ties. @example x.amin(-1, true) */
  amin(dim?: number | number[], keepDim = false): Tensor { if (arguments.length > 2) expectArity('Tensor.amin', arguments, 2); return compare.aextremum(false, this, dim, keepDim); }
  /**
   * Variance over `dim` (all when omitted): sum((x - mean)^2) / (N - correction).
   * @param dim one or several dimensions.
   * @param opts `{ correction = 1, unbiased?, keepDim = false }`: unbiased false is correction 0.
   * @throws TypeError for an unknown option.
   * @example x.var(1, { correction: 0 })
   */
  var(dim?: number | number[] | null, opts?: stats.VarOptions): Tensor { if (arguments.length > 2) expectArity('Tensor.var', arguments, 2); return stats.variance(this, dim, opts); }
  /**
   * Standard deviation over `dim`: sqrt(var) with the same options.
   * @param opts `{ correction = 1, unbiased?, keepDim = false }`.
   * @example x.std()
   */
  std(dim?: number | number[] | null, opts?: stats.VarOptions): Tensor { if (arguments.length > 2) expectArity('Tensor.std', arguments, 2); return stats.std(this, dim, opts); }
  /**
   * The p-norm over `dim` (all when omitted): (sum |x|^p)^(1/p); p may be 'fro', Infinity or -Infinity.
   * @param p [2]
   * @example x.norm(); x.norm(1, -1, true)
   */
  norm(p: stats.NormOrder = 2, dim?: number | number[] | null, keepDim = false): Tensor { if (arguments.length > 3) expectArity('Tensor.norm', arguments, 3); return stats.norm(this, p, dim, keepDim); }
  /** The running sum along `dim`. @example x.cumsum(0) */
  cumsum(dim: number): Tensor { if (arguments.length > 1) expectArity('Tensor.cumsum', arguments, 1); return stats.cumsum(this, dim); }
  /**
   * The k largest (or smallest) elements along a dimension and their indices, as torch.topk;
   * tied elements come in index order.
   * @param opts `{ dim = -1, largest = true, sorted = true }`.
   * @throws RangeError when k is larger than the dimension.
   * @example const { values, indices } = x.topk(3);
   */
  topk(k: number, opts?: sort.TopkOptions): sort.ValuesIndices { if (arguments.length > 2) expectArity('Tensor.topk', arguments, 2); return sort.topk(this, k, opts); }
  /**
   * Sorts along a dimension, stably (ties keep their order; NaN sorts as the largest), as torch.sort.
   * @param opts `{ dim = -1, descending = false, stable }`.
   * @example const { values, indices } = x.sort({ descending: true });
   */
  sort(opts?: sort.SortOptions): sort.ValuesIndices { if (arguments.length > 1) expectArity('Tensor.sort', arguments, 1); return sort.sort(this, opts); }
  /** The indices that sort along a dimension (stable), as torch.argsort. @example x.argsort({ dim: 0 }) */
  argsort(opts?: sort.SortOptions): Tensor { if (arguments.length > 1) expectArity('Tensor.argsort', arguments, 1); return sort.argsort(this, opts); }
  /**
   * Splits into pieces of a size (the last may be smaller) or of the given sizes along `dim`.
   * @param dim [0]
   * @example const [a, b] = x.split([2, 3], 1);
   */
  split(splitSizeOrSections: number | number[], dim = 0): Tensor[] { if (arguments.length > 2) expectArity('Tensor.split', arguments, 2); return join.split(this, splitSizeOrSections, dim); }
  /** Splits into `chunks` pieces of equal size (the last may be smaller) along `dim` [0]. @example x.chunk(2) */
  chunk(chunks: number, dim = 0): Tensor[] { if (arguments.length > 2) expectArity('Tensor.chunk', arguments, 2); return join.chunk(this, chunks, dim); }
  /** `length` elements from `start` (may be negative) along `dim`. @throws RangeError past the end. @example x.narrow(1, 0, 2) */
  narrow(dim: number, start: number, length: number): Tensor { if (arguments.length > 3) expectArity('Tensor.narrow', arguments, 3); return indexOps.narrow(this, dim, start, length); }
  /**
   * Python's x[start:end:step] along `dim`: negative start/end count from the end and both clamp to the size.
   * @param step [1] a positive integer.
   * @example x.slice(0, -2) // the last two rows
   */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { if (arguments.length > 4) expectArity('Tensor.slice', arguments, 4); return indexOps.slice(this, dim, start, end, step); }
  /** The slice at `index` (may be negative) along `dim`, that dimension removed. @example x.select(1, -1) */
  select(dim: number, index: number): Tensor { if (arguments.length > 2) expectArity('Tensor.select', arguments, 2); return indexOps.select(this, dim, index); }
  /**
   * The entries at `index` (1-D integers: a Tensor, Int32Array or number[]) along `dim`.
   * @throws RangeError for a non-integer or out-of-range index.
   * @example x.indexSelect(0, [2, 0])
   */
  indexSelect(dim: number, index: Indices): Tensor { if (arguments.length > 2) expectArity('Tensor.indexSelect', arguments, 2); return indexOps.indexSelect(this, dim, index); }
  /**
   * out[i][j] = x[index[i][j]][j] for dim 0 (and likewise for other dims), as torch.gather.
   * @throws RangeError for an out-of-range index or an index larger than input outside dim.
   * @example x.gather(1, [[0], [2]])
   */
  gather(dim: number, index: Indices): Tensor { if (arguments.length > 2) expectArity('Tensor.gather', arguments, 2); return indexOps.gather(this, dim, index); }
  /**
   * A copy with out[index[i][j]][j] = src[i][j] for dim 0 (src may be a number), as torch.scatter.
   * @example zeros([3, 2]).scatter(0, [[2, 0]], 1)
   */
  scatter(dim: number, index: Indices, src: Tensor | number): Tensor { if (arguments.length > 3) expectArity('Tensor.scatter', arguments, 3); return indexOps.scatter(this, dim, index, src); }
  /** A copy with src[i][j] added at out[index[i][j]][j] for dim 0, as torch.scatter_add. @example zeros([2]).scatterAdd(0, [0, 0], ones([2])) */
  scatterAdd(dim: number, index: Indices, src: Tensor): Tensor { if (arguments.length > 3) expectArity('Tensor.scatterAdd', arguments, 3); return indexOps.scatterAdd(this, dim, index, src); }
  /** `value` where `mask` is non-zero (mask broadcast), this tensor elsewhere. @example scores.maskedFill(mask, -Infinity) */
  maskedFill(mask: Tensor, value: number): Tensor { if (arguments.length > 2) expectArity('Tensor.maskedFill', arguments, 2); return indexOps.maskedFill(this, mask, value); }
  /**
   * Broadcast to `sizes` (-1 keeps a size; new leading dimensions allowed), copied; the gradient sums back.
   * @throws RangeError when a dimension of size other than 1 would change.
   * @example tensor([1, 2]).expand(3, -1)
   */
  expand(...sizes: (number | number[])[]): Tensor { return indexOps.expand(this, ...sizes); }
  /** Tiles `sizes[i]` times along each dimension (leading ones added). @example x.repeat(2, 1) */
  repeat(...sizes: (number | number[])[]): Tensor { return indexOps.repeat(this, ...sizes); }


  /**
   * A one-line summary: the shape, and `requiresGrad` or the op that made it.
   * @example String(kiln.zeros([2, 3])); // 'Tensor(shape=[2, 3])'
   */
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
 *
 * `saved` lists the arrays `backward` reads (inputs' data, the result's): their versions are
 * recorded now and checked before `backward` runs, so that an in-place op that changed one in
 * between is an error naming the op, never a wrong gradient (PyTorch's saved-variable version
 * check). Omitted, it is every input's data and the result's, which is always safe; an op
 * whose backward reads fewer (add reads none, mul its operands, exp its result) passes those,
 * so that in-place ops on the others stay legal, as in PyTorch.
 */
export function fromOp(data: Float32Array, shape: number[], inputs: Tensor[], name: string, backward: BackwardFn, saved?: readonly Float32Array[]): Tensor {
  const out = new Tensor(data, shape, false);
  let record = false;
  for (let i = 0; i < inputs.length; i++) {
    const inp = inputs[i];
    if (inp._family !== null && inp._family.epoch > inp._epoch) syncView(inp);
    if (inp.requiresGrad) record = true;
    // A result sharing an input's buffer is a view of it: it joins the input's family.
    if (inp.data === data) {
      const fam = inp._family ?? (inp._family = { base: inp, epoch: 0, writer: null, fn: null });
      out._family = fam;
      out._epoch = fam.epoch;
    }
  }
  const ctx = gradContext.getStore();
  if (record && (ctx === undefined ? gradEnabled : ctx.enabled)) {
    out.requiresGrad = true;
    out.gradFn = makeNode(name, inputs, backward, saved ?? defaultSaved(inputs, data), shape);
  }
  return out;
}

function defaultSaved(inputs: Tensor[], data: Float32Array): Float32Array[] {
  const saved = inputs.map((t) => t.data);
  saved.push(data);
  return saved;
}

const NO_VERSIONS: number[] = [];

function makeNode(name: string, inputs: Tensor[], backward: BackwardFn, saved: readonly Float32Array[], shape: number[]): Node {
  const edges = new Array<Node | Tensor | null>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    edges[i] = t.requiresGrad ? ((t.gradFn as Node | null) ?? t) : null;
  }
  let versions = NO_VERSIONS;
  if (saved.length > 0) {
    versions = new Array<number>(saved.length);
    for (let i = 0; i < saved.length; i++) versions[i] = versionOf(saved[i]);
  }
  return { name, inputs, backward, edges, saved, versions, shape, hooks: null };
}

/** @internal Brings a view's gradFn up to date after an in-place op on a tensor sharing its buffer. */
export function syncView(t: Tensor): void {
  const fam = t._family;
  if (fam === null || fam.epoch <= t._epoch) return;
  t._epoch = fam.epoch;
  if (fam.writer === t || fam.fn === null) return;
  t.gradFn = makeNode('view', [fam.writer!], (g) => [g], [], t.shape.slice());
  (t.gradFn as Node).edges[0] = fam.fn;
  t.requiresGrad = true;
}

/**
 * @internal Records an in-place op that has just written `t`'s data (its version already
 * bumped): when grad mode is on and `t` or an operand requires grad, `t`'s gradFn becomes a
 * node whose input 0 is `t` as it was before (its old gradFn), as PyTorch rebases the history
 * of a tensor modified in place. Views sharing `t`'s buffer pick the change up when next used.
 */
export function recordInplace(t: Tensor, operands: Tensor[], name: string, backward: BackwardFn, saved: readonly Float32Array[]): void {
  if (!isGradEnabled()) return;
  let rg = t.requiresGrad;
  for (const o of operands) rg = rg || o.requiresGrad;
  if (!rg) return;
  // The old history, as a tensor for gradFn.inputs (display); the engine follows edges.
  const before = new Tensor(t.data, t.shape.slice(), t.requiresGrad);
  before.gradFn = t.gradFn;
  t.gradFn = makeNode(name, [before, ...operands], backward, saved, t.shape.slice());
  if (before.requiresGrad && before.gradFn === null) (t.gradFn as Node).edges[0] = t;
  t.requiresGrad = true;
  const fam = t._family;
  if (fam !== null) {
    fam.epoch = ++viewEpoch;
    fam.writer = t;
    fam.fn = t.gradFn as Node;
    t._epoch = fam.epoch;
  }
}

/** @internal Adds a gradient hook to `t` (to its gradFn for a non-leaf, as PyTorch's pre-hooks). */
export function addHook(t: Tensor, fn: TensorHook): TensorHookHandle {
  const node = t.gradFn as Node | null;
  const list = node !== null ? (node.hooks ??= []) : (t._hooks ??= []);
  list.push(fn);
  return {
    remove(): void {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

function runHooks(hooks: TensorHook[], g: Float32Array, shape: number[]): Float32Array {
  for (const hook of hooks.slice()) {
    const r = hook(new Tensor(g, shape.slice()));
    if (r === undefined || r === null) continue;
    if (!(r instanceof Tensor)) throw typeError('Tensor.registerHook', 'a hook that returns a Tensor or nothing', 'hook result', r);
    checkTensor('Tensor.registerHook', 'hook result', r);
    if (!sameShape(r.shape, shape)) {
      throw shapeError('Tensor.registerHook', `shape ${formatShape(shape)} (the gradient's)`, 'hook result', r.shape);
    }
    g = r.data;
  }
  return g;
}

function checkVersions(node: Node): void {
  for (let i = 0; i < node.saved.length; i++) {
    const now = versionOf(node.saved[i]);
    if (now === node.versions[i]) continue;
    const k = node.inputs.findIndex((t) => t.data === node.saved[i]);
    const what = k >= 0 ? `input ${k} (shape ${formatShape(node.inputs[k].shape)})` : `its result (shape ${formatShape(node.shape)})`;
    throw rangeErrorText(
      `${node.name}.backward`,
      `version ${node.versions[i]} (as saved for the gradient)`,
      what,
      `version ${now} (modified by an in-place op after it was used; clone it before modifying it)`,
    );
  }
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

// Graph keys: a Node for a non-leaf's gradient, the Tensor itself for a leaf's.
type Key = Node | Tensor;

function topoSort(root: Key): Key[] {
  const order: Key[] = [];
  const visited = new Set<Key>();
  const stack: [Key, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const edges = top[0] instanceof Tensor ? [] : top[0].edges;
    if (top[1] < edges.length) {
      const next = edges[top[1]++];
      if (next !== null && !visited.has(next) && (!(next instanceof Tensor) || next.requiresGrad)) {
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
  const rootKey: Key = (root.gradFn as Node | null) ?? root;
  const order = topoSort(rootKey);
  // Gradient per key; `owned` says whether the engine may add into the array in place.
  const grads = new Map<Key, { g: Float32Array; owned: boolean }>();
  grads.set(rootKey, { g: seed, owned: false });
  for (let k = order.length - 1; k >= 0; k--) {
    const key = order[k];
    const entry = grads.get(key);
    if (!entry) continue;
    grads.delete(key);
    if (key instanceof Tensor) {
      const t = key;
      let g = entry.g;
      let owned = entry.owned;
      if (t._hooks !== null && t._hooks.length > 0) {
        g = runHooks(t._hooks, owned ? g : g.slice(), t.shape);
        owned = false;
      }
      if (t.grad === null) {
        t.grad = new Tensor(owned ? g : g.slice(), t.shape.slice());
      } else {
        const acc = t.grad.data;
        for (let i = 0; i < acc.length; i++) acc[i] += g[i];
      }
      continue;
    }
    const node = key;
    let g = entry.g;
    if (node.hooks !== null && node.hooks.length > 0) g = runHooks(node.hooks, entry.owned ? g : g.slice(), node.shape);
    if (node.saved.length > 0) checkVersions(node);
    const inputGrads = node.backward(g);
    const edges = node.edges;
    for (let i = 0; i < edges.length; i++) {
      const gi = inputGrads[i];
      const edge = edges[i];
      if (!gi || edge === null || (edge instanceof Tensor && !edge.requiresGrad)) continue;
      const prev = grads.get(edge);
      if (!prev) {
        // delete() claims a fresh array once: should an op return it for two inputs, the
        // second is copied before anything is added into it.
        grads.set(edge, { g: gi, owned: freshGrads.delete(gi) });
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
    throw rangeErrorText(where, `a rectangular nested array of shape ${formatShape(shape)}`, 'values', `a ragged one (${describe(values)} at depth ${dim})`);
  }
  for (const v of values) at = fillNested(where, v, shape, dim + 1, out, at);
  return at;
}

/**
 * Options of {@link tensor}.
 * @example kiln.tensor(new Float32Array(6), { shape: [2, 3], requiresGrad: true });
 */
export interface TensorOptions {
  /** The shape to give the data; its element count must match. @defaultValue the nested arrays' shape, or `[length]` for a typed array */
  shape?: number | number[];
  /** Record ops on the tensor for `backward()`. @defaultValue false */
  requiresGrad?: boolean;
}

/**
 * Creates a tensor from a number, nested arrays or a typed array (always copied), as torch.tensor.
 * @param values the data; a typed array is read flat, in `shape` if given.
 * @param opts `{ shape?, requiresGrad = false }` (see {@link TensorOptions})
 * @throws {TypeError} for non-numeric data (a DataView, a BigInt array, a detached buffer),
 *   an options value that is not an object, or a non-boolean requiresGrad.
 * @throws {RangeError} for ragged arrays, or a shape that is invalid or does not fit the data.
 * @example kiln.tensor([[1, 2], [3, 4]]); kiln.tensor(new Float32Array(6), { shape: [2, 3] });
 */
export function tensor(values: Nested | Float32Array | ArrayLike<number>, opts: TensorOptions = {}): Tensor {
  if (arguments.length > 1) expectArity('tensor', arguments, 1, true);
  const where = 'tensor';
  if (opts === null || typeof opts !== 'object') throw typeError(where, 'an options object', 'options', opts);
  checkOptionNames(where, opts, ['shape', 'requiresGrad']);
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
      throw rangeError(where, `${numelOf(s)} values (shape ${formatShape(s)})`, 'values', data.length);
    }
    shape = s;
  }
  return new Tensor(data, shape, requiresGrad);
}

/**
 * A tensor of zeros; the sizes as one array or as separate arguments (`zeros(2, 3)`).
 * @param shape the sizes (a number for 1-D)
 * @throws {TypeError} when shape is not a number or an array of numbers.
 * @throws {RangeError} for a negative or non-integer size, or more than 2^31 - 1 elements.
 * @example kiln.zeros([2, 3]); kiln.zeros(2, 3);
 */
export function zeros(shape: number | readonly number[]): Tensor;
export function zeros(...sizes: number[]): Tensor;
export function zeros(...shape: unknown[]): Tensor {
  const s = checkShape('zeros', shapeFromArgs('zeros', shape));
  return new Tensor(new Float32Array(numelOf(s)), s);
}

/**
 * A tensor of ones; the sizes as one array or as separate arguments (`ones(2, 3)`).
 * @param shape the sizes (a number for 1-D)
 * @throws {TypeError} when shape is not a number or an array of numbers.
 * @throws {RangeError} for a negative or non-integer size, or more than 2^31 - 1 elements.
 * @example kiln.ones(3); // [1, 1, 1]
 */
export function ones(shape: number | readonly number[]): Tensor;
export function ones(...sizes: number[]): Tensor;
export function ones(...shape: unknown[]): Tensor {
  const s = checkShape('ones', shapeFromArgs('ones', shape));
  return new Tensor(new Float32Array(numelOf(s)).fill(1), s);
}

/**
 * A tensor filled with `value`.
 * @param shape the sizes (a number for 1-D)
 * @param value the fill value (rounded to float32)
 * @throws {TypeError} when shape is not a number or an array of numbers, or value is not a number.
 * @throws {RangeError} for a negative or non-integer size, or more than 2^31 - 1 elements.
 * @example kiln.full([2, 2], 0.5);
 */
export function full(shape: number | number[], value: number): Tensor {
  if (arguments.length > 2) expectArity('full', arguments, 2);
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
 * A 1-D range, as torch.arange: `arange(n)` is 0, 1, ..., n-1; `arange(start, end, step)`
 * is start, start + step, ... up to but excluding end, ceil((end - start) / step) values.
 * @param n the end (exclusive) when it is the only argument, else the start
 * @param end [none] the end (exclusive)
 * @param step [1] the increment, non-zero (negative counts down)
 * @throws {TypeError} when an argument is not a number.
 * @throws {RangeError} for a non-finite argument, a zero step, an end on the other side of
 *   start than step points (arange(-5), as PyTorch), or more than 2^31 - 1 values.
 * @example kiln.arange(5); // [0, 1, 2, 3, 4]
 */
export function arange(n: number, end?: number, step = 1): Tensor {
  if (arguments.length > 3) expectArity('arange', arguments, 3);
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
    throw rangeErrorText(where, 'at most 2^31-1 elements', '(start, end, step)', `(${describe(start)}, ${describe(stop)}, ${describe(step)}): ${count} elements`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = start + i * step;
  return new Tensor(data, [count]);
}

/**
 * The n x n identity matrix (n x m with a second argument: ones on the main diagonal).
 * @param n the rows
 * @param m [n] the columns
 * @throws {TypeError} when n or m is not a number.
 * @throws {RangeError} when n or m is not a non-negative integer, or n * m exceeds 2^31 - 1.
 * @example kiln.eye(3);
 */
export function eye(n: number, m: number = n): Tensor {
  if (arguments.length > 2) expectArity('eye', arguments, 2);
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
  if (!(d instanceof Float32Array) || isDetached(d.buffer)) throw typeErrorText(where, what, name, got);
  throw rangeErrorText(where, what, name, got);
}
