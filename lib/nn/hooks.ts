// Module hooks, after PyTorch's register_forward_pre_hook, register_forward_hook and
// register_full_backward_hook (torch/nn/modules/module.py's _call_impl, torch/utils/hooks.py).
//
// PyTorch runs hooks in Module.__call__. kiln has no __call__: users call `model.forward(x)`
// (or `model.call(x)`), and subclasses override forward. So the first hook registered on a
// module installs a wrapper as that instance's own `forward` (non-enumerable, so Module's walks
// never see it); the wrapper runs the pre-hooks, the class's forward, the forward hooks, and
// sets up the backward hooks. Removing the module's last hook puts the previous forward back.
// Reassigning `module.forward` while hooks are registered replaces the wrapper: its hooks stop.
//
// Full backward hooks use no change to the autograd engine. As PyTorch's BackwardHookFunction,
// the module's tensor inputs and outputs pass through identity nodes built with fromOp:
//   x -> hub -> x' (forward runs on x')      y -> outHub -> y' (the caller gets y')
// Each primed tensor (x', y') is an identity whose backward records its gradient; the hub is
// an input of all of them, so the engine's topological order runs it after every one, with
// all the gradients in hand. outHub records gradOutput; the input hub calls the hooks with
// gradInput and gradOutput and passes on the gradInput they return.
import { Tensor, checkTensor, fromOp, isGradEnabled } from '../tensor';
import { formatShape, sameShape } from '../shape';
import { typeError, rangeError, shapeError } from '../errors';

/**
 * What `register*Hook` returns: `remove()` unregisters the hook (again: no effect), as
 * PyTorch's torch.utils.hooks.RemovableHandle.
 * @example const h = model.registerForwardHook(() => undefined); h.remove();
 */
export interface RemovableHandle {
  /** A number unique to the hook among all hooks registered in this process. */
  readonly id: number;
  /** Unregisters the hook; the module's forward is restored when its last hook goes. */
  remove(): void;
}

/**
 * A forward pre-hook: called with the module and its inputs before forward runs. It may
 * return new inputs: an array replaces the argument list; another value (not undefined or
 * null) becomes the single argument, as PyTorch wraps a non-tuple in a tuple.
 * @inline
 */
export type ForwardPreHook<M> = (module: M, inputs: unknown[]) => unknown;

/**
 * A forward hook: called with the module, the inputs forward ran on and its output. A
 * returned value (not undefined or null) replaces the output.
 * @inline
 */
export type ForwardHook<M> = (module: M, inputs: unknown[], output: unknown) => unknown;

/**
 * A full backward hook: called once per backward pass, after the gradients with respect to
 * the module's inputs are computed. `gradInput[i]` is the gradient of forward's i-th argument
 * (null when it is not a Tensor or does not require grad), `gradOutput[j]` that of its j-th
 * output (one entry for a single Tensor). Returning an array of the same length (Tensors of
 * the inputs' shapes, or null) replaces gradInput for the rest of the backward pass.
 * The Tensors are copies: changing them in place changes nothing.
 * @inline
 */
export type FullBackwardHook<M> = (module: M, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void | null | undefined;

type AnyFn = (...args: unknown[]) => unknown;
type Kind = 'pre' | 'forward' | 'backward';

interface HookState {
  pre: Map<number, ForwardPreHook<unknown>>;
  forward: Map<number, ForwardHook<unknown>>;
  backward: Map<number, FullBackwardHook<unknown>>;
  /** The forward the wrapper calls: the instance's own (then restored) or the class's. */
  inner: AnyFn;
  /** The own `forward` property the wrapper replaced, if any. */
  own: PropertyDescriptor | undefined;
}

/** A module's hooks, under a symbol so that Object.keys (and so Module's walks) skips them. */
const HOOKS = Symbol('kiln.hooks');
let nextId = 0;
const EMPTY = new Float32Array(0);

/**
 * Registers `fn` as a hook of `kind` on `m` (the proxy users hold), installing the forward
 * wrapper with the first hook. `where` names the registering method in errors.
 */
export function addHook(where: string, m: object, kind: Kind, fn: unknown): RemovableHandle {
  if (typeof fn !== 'function') throw typeError(where, 'a function', 'hook', fn);
  const slot = m as Record<symbol | string, unknown>;
  let st = slot[HOOKS] as HookState | undefined;
  if (st === undefined) {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const inner = slot.forward as AnyFn;
    st = { pre: new Map(), forward: new Map(), backward: new Map(), inner, own };
    Object.defineProperty(m, HOOKS, { value: st, configurable: true, enumerable: false });
    const state = st;
    Object.defineProperty(m, 'forward', {
      value: function hookedForward(...args: unknown[]): unknown {
        return callWithHooks(m, state, args);
      },
      writable: true,
      configurable: true,
      // An own forward field keeps its place among the keys; otherwise Object.keys skips it.
      enumerable: own?.enumerable ?? false,
    });
  }
  const id = nextId++;
  st[kind].set(id, fn as never);
  const state = st;
  let live = true;
  return {
    id,
    remove(): void {
      if (!live) return;
      live = false;
      state[kind].delete(id);
      if (state.pre.size + state.forward.size + state.backward.size > 0 || slot[HOOKS] !== state) return;
      delete slot[HOOKS];
      if (state.own) Object.defineProperty(m, 'forward', state.own);
      else delete slot.forward;
    },
  };
}

/** The wrapper's body, as PyTorch's _call_impl: pre-hooks, backward setup, forward, forward hooks. */
function callWithHooks(m: object, st: HookState, args: unknown[]): unknown {
  let inputs = args;
  // Snapshots: a hook that removes itself (or adds another) does not disturb this call.
  for (const hook of [...st.pre.values()]) {
    const r = hook(m, inputs);
    if (r !== undefined && r !== null) inputs = Array.isArray(r) ? r : [r];
  }
  const bw = st.backward.size > 0 && isGradEnabled() ? new BackwardCall(m, [...st.backward.values()]) : null;
  if (bw) inputs = bw.wrapInputs(inputs);
  let output = st.inner.apply(m, inputs);
  for (const hook of [...st.forward.values()]) {
    const r = hook(m, inputs, output);
    if (r !== undefined && r !== null) output = r;
  }
  return bw ? bw.wrapOutputs(output) : output;
}

/** One forward call's backward-hook bookkeeping (PyTorch's torch.utils.hooks.BackwardHook). */
class BackwardCall {
  private nInputs = 0;
  /** Argument positions of the inputs that require grad; null when none does. */
  private inIndex: number[] | null = null;
  private inShapes: number[][] = [];
  private inGrads: (Float32Array | null)[] = [];
  private outIndex: number[] = [];
  private outShapes: number[][] = [];
  private outGrads: (Float32Array | null)[] = [];
  private nOutputs = 0;
  /** Set by the output hub, cleared once the hooks have run. */
  private gradOutput: (Tensor | null)[] | null = null;

  constructor(
    private readonly module: object,
    private readonly hooks: FullBackwardHook<unknown>[],
  ) {}

  private get where(): string {
    return `${this.module.constructor.name} full backward hook`;
  }

  wrapInputs(args: unknown[]): unknown[] {
    this.nInputs = args.length;
    const idx: number[] = [];
    args.forEach((a, i) => {
      if (a instanceof Tensor && a.requiresGrad) idx.push(i);
    });
    if (idx.length === 0) return args;
    this.inIndex = idx;
    const sources = idx.map((i) => args[i] as Tensor);
    this.inShapes = sources.map((x) => x.shape.slice());
    this.inGrads = sources.map(() => null);
    const hub = fromOp(new Float32Array(0), [0], sources, 'BackwardHookFunction', () => this.inputHub());
    const out = args.slice();
    idx.forEach((i, k) => {
      const x = sources[k];
      out[i] = fromOp(x.data, x.shape.slice(), [hub], 'BackwardHookFunction', (g) => {
        this.inGrads[k] = g;
        return [EMPTY];
      });
    });
    return out;
  }

  wrapOutputs(output: unknown): unknown {
    const many = Array.isArray(output);
    const outs = many ? (output as unknown[]) : [output];
    this.nOutputs = outs.length;
    outs.forEach((o, j) => {
      if (o instanceof Tensor && o.requiresGrad) this.outIndex.push(j);
    });
    if (this.outIndex.length === 0) return output;
    const sources = this.outIndex.map((j) => outs[j] as Tensor);
    this.outShapes = sources.map((y) => y.shape.slice());
    this.outGrads = sources.map(() => null);
    const hub = fromOp(new Float32Array(0), [0], sources, 'BackwardHookFunction', () => this.outputHub());
    const wrapped = outs.slice();
    this.outIndex.forEach((j, k) => {
      const y = sources[k];
      wrapped[j] = fromOp(y.data, y.shape.slice(), [hub], 'BackwardHookFunction', (g) => {
        this.outGrads[k] = g;
        return [EMPTY];
      });
    });
    return many ? wrapped : wrapped[0];
  }

  /** Runs after every output's gradient is in: records gradOutput, passes the gradients on. */
  private outputHub(): (Float32Array | null)[] {
    const grads = this.outGrads;
    this.outGrads = grads.map(() => null);
    const gradOutput: (Tensor | null)[] = new Array(this.nOutputs).fill(null);
    this.outIndex.forEach((j, k) => {
      const g = grads[k];
      if (g) gradOutput[j] = new Tensor(g.slice(), this.outShapes[k].slice());
    });
    if (this.inIndex === null) {
      // No input requires grad: no input hub will run, so the hooks run here, as PyTorch's,
      // with gradInput all null; they may not return gradients for it.
      const gradInput: (Tensor | null)[] = new Array(this.nInputs).fill(null);
      for (const hook of this.hooks) {
        const r = hook(this.module, gradInput, gradOutput);
        if (r !== undefined && r !== null && !(Array.isArray(r) && r.every((v) => v === null || v === undefined))) {
          throw typeError(this.where, 'undefined, or null for every gradient, where no input requires grad', 'the returned gradInput', r);
        }
      }
    } else this.gradOutput = gradOutput;
    return grads;
  }

  /** Runs after every input's gradient is in: calls the hooks, passes on their gradInput. */
  private inputHub(): (Float32Array | null)[] {
    const idx = this.inIndex!;
    const grads = this.inGrads;
    this.inGrads = grads.map(() => null);
    const gradOutput = this.gradOutput;
    // The gradient reached the inputs without passing through the outputs (PyTorch skips too).
    if (gradOutput === null) return grads;
    this.gradOutput = null;
    let gradInput: (Tensor | null)[] = new Array(this.nInputs).fill(null);
    idx.forEach((i, k) => {
      const g = grads[k];
      if (g) gradInput[i] = new Tensor(g.slice(), this.inShapes[k].slice());
    });
    for (const hook of this.hooks) {
      const r = hook(this.module, gradInput, gradOutput);
      if (r === undefined || r === null) continue;
      gradInput = this.checkReturned(r);
    }
    return idx.map((i) => (gradInput[i] ? gradInput[i]!.data : null));
  }

  private checkReturned(r: unknown): (Tensor | null)[] {
    if (!Array.isArray(r)) throw typeError(this.where, 'an array of Tensors or null (gradInput), or undefined', 'the returned gradInput', r);
    if (r.length !== this.nInputs) {
      throw rangeError(this.where, `${this.nInputs} gradient${this.nInputs === 1 ? '' : 's'} (one per input)`, 'the returned gradInput', r.length);
    }
    const idx = this.inIndex!;
    return r.map((g: unknown, i) => {
      if (g === null || g === undefined) return null;
      if (!(g instanceof Tensor)) throw typeError(this.where, 'a Tensor or null', `gradInput[${i}]`, g);
      checkTensor(this.where, `gradInput[${i}]`, g);
      const k = idx.indexOf(i);
      if (k >= 0 && !sameShape(g.shape, this.inShapes[k])) {
        throw shapeError(this.where, `shape ${formatShape(this.inShapes[k])}`, `gradInput[${i}]`, g.shape);
      }
      return g;
    });
  }
}
