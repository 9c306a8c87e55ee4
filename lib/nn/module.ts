// Module: the base of every layer and model, after torch.nn.Module and tinygrad's nn.
//
// Parameters, buffers and sub-modules register themselves by being assigned as properties;
// the walks below read the instance's own properties in assignment order, which is the
// registration order PyTorch's state_dict uses. Integer-like names (Sequential's '0', '1')
// come first in ascending order, as JavaScript orders them, which is also PyTorch's order.
import { Tensor, checkTensor } from '../tensor';
import { Parameter, Buffer } from './parameter';
import { formatShape } from '../shape';
import { checkBoolean, checkOptions, typeError } from '../errors';
import { rangeErrorText, typeErrorText } from '../errors';
import { stateName } from '../naming';
import { expectArity } from '../options';
import { addHook } from './hooks';
import type { ForwardHook, ForwardPreHook, FullBackwardHook, RemovableHandle } from './hooks';

/**
 * Per module, the names registered as buffers and whether each is persistent: a name stays a
 * buffer once a Buffer was assigned to it, whatever Tensor (or null) is assigned later, as
 * PyTorch's Module.__setattr__ keeps `_buffers` entries. A symbol, so Object.keys skips it.
 */
const BUFFER_NAMES = Symbol('kiln.bufferNames');

/**
 * Keeps BUFFER_NAMES as properties are defined (assignment defines through the proxy too):
 * a Buffer registers its name; a plain Tensor or null assigned to a registered name keeps it
 * registered; a Parameter takes the name over (PyTorch moves it to `_parameters`); anything
 * else is a TypeError, as PyTorch's "cannot assign 'int' as buffer".
 */
const moduleTraps: ProxyHandler<Module> = {
  defineProperty(target, key, desc) {
    if (typeof key === 'string' && 'value' in desc) {
      const names = (target as unknown as Record<symbol, Map<string, boolean>>)[BUFFER_NAMES];
      const v: unknown = desc.value;
      if (v instanceof Buffer) names.set(key, v.persistent);
      else if (names.has(key)) {
        if (v instanceof Parameter) names.delete(key);
        else if (v !== null && !(v instanceof Tensor)) {
          throw typeError(target.constructor.name, 'a Tensor or null (it is a buffer)', key, v);
        }
      }
    }
    return Reflect.defineProperty(target, key, desc);
  },
};

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Base class for layers and models: subclass it, assign Parameters, Buffers and Modules as
 * properties, and override forward.
 * @example
 * class Net extends nn.Module {
 *   fc = new nn.Linear(784, 10);
 *   forward(x: Tensor) { return this.fc.forward(x); }
 * }
 */
export class Module {
  training = true;

  constructor() {
    Object.defineProperty(this, BUFFER_NAMES, { value: new Map<string, boolean>(), enumerable: false });
    // Subclasses' constructors and fields run on the proxy, so their buffers register.
    return new Proxy(this, moduleTraps);
  }

  /** Computes the output; subclasses override it. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  forward(..._inputs: unknown[]): unknown {
    throw typeErrorText(`${this.constructor.name}.forward`, 'an override in a subclass of Module', 'forward', 'none (not implemented)');
  }

  /** The same as forward, for code written in PyTorch's `model(x)` style. */
  call(...inputs: unknown[]): unknown {
    return this.forward(...inputs);
  }

  /** Direct sub-modules with their property names. */
  namedChildren(): [string, Module][] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.namedChildren`, arguments, 0);
    const out: [string, Module][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (v instanceof Module) out.push([key, v]);
    }
    return out;
  }

  children(): Module[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.children`, arguments, 0);
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.namedModules`, arguments, 1);
    const out: [string, Module][] = [[prefix, this]];
    const seen = new Set<Module>([this]);
    const walk = (m: Module, p: string) => {
      for (const [name, child] of m.namedChildren()) {
        if (seen.has(child)) continue;
        seen.add(child);
        const full = p ? `${p}.${name}` : name;
        out.push([full, child]);
        walk(child, full);
      }
    };
    walk(this, prefix);
    return out;
  }

  /** This module first, then every descendant. */
  modules(): Module[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.modules`, arguments, 0);
    return this.namedModules().map(([, m]) => m);
  }

  /** Own tensors of one kind, as [state name, property name, tensor]. */
  private ownTensors<T extends Tensor>(kind: new (...args: never[]) => T): [string, string, T][] {
    const out: [string, string, T][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (v instanceof kind) out.push([stateName(key), key, v as T]);
    }
    return out;
  }

  /**
   * Own buffers as [state name, property name, tensor, persistent]: the properties registered
   * as buffers (see BUFFER_NAMES) that hold a tensor now, a plain Tensor assigned to one too.
   */
  private ownBuffers(): [string, string, Buffer, boolean][] {
    const names = (this as unknown as Record<symbol, Map<string, boolean>>)[BUFFER_NAMES];
    const out: [string, string, Buffer, boolean][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (v instanceof Buffer) out.push([stateName(key), key, v, v.persistent]);
      else if (v instanceof Tensor && !(v instanceof Parameter) && names?.has(key)) out.push([stateName(key), key, v as Buffer, names.get(key)!]);
    }
    return out;
  }

  /** [name, Parameter] pairs of this module and its descendants, each parameter once. */
  namedParameters(): [string, Parameter][] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.namedParameters`, arguments, 0);
    const out: [string, Parameter][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, , p] of m.ownTensors(Parameter)) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.parameters`, arguments, 0);
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Buffer][] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.namedBuffers`, arguments, 0);
    const out: [string, Buffer][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, , b] of m.ownBuffers()) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): Buffer[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.buffers`, arguments, 0);
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(mode = true): this {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.train`, arguments, 1);
    checkBoolean(`${this.constructor.name}.train`, 'mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off, BatchNorm on running statistics); returns this. */
  eval(): this {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.eval`, arguments, 0);
    return this.train(false);
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch's default). */
  zeroGrad(): void {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.zeroGrad`, arguments, 0);
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Sets requiresGrad on every parameter of this module and its descendants, as PyTorch's
   * Module.requires_grad_: `false` freezes them (backward leaves their .grad null, and the
   * optimisers skip parameters without a gradient, weight decay included). Returns this.
   * @param requiresGrad [true] the new setting
   * @throws TypeError when requiresGrad is not a boolean.
   * @example model.requiresGrad_(false); model.head = new nn.Linear(64, 3); // only the head trains
   */
  requiresGrad_(requiresGrad = true): this {
    expectArity(`${this.constructor.name}.requiresGrad_`, arguments, 1);
    checkBoolean(`${this.constructor.name}.requiresGrad_`, 'requiresGrad', requiresGrad);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Registers `hook(module, inputs)` to run before every forward call, as PyTorch's
   * register_forward_pre_hook. A returned array replaces the arguments; another value (not
   * undefined or null) becomes the only argument. Hooks run in registration order.
   *
   * kiln calls hooks from `module.forward` itself (there is no `__call__`): the first hook
   * installs a wrapper as this instance's own `forward`, and removing the last one restores
   * the previous forward. Assigning `module.forward` while a hook is registered replaces the
   * wrapper, and its hooks stop running.
   * @returns a handle whose `remove()` unregisters the hook
   * @throws TypeError when hook is not a function.
   * @example const h = net.registerForwardPreHook((m, [x]) => [(x as Tensor).mul(2)]); h.remove();
   */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    expectArity(`${this.constructor.name}.registerForwardPreHook`, arguments, 1);
    return addHook(`${this.constructor.name}.registerForwardPreHook`, this, 'pre', hook);
  }

  /**
   * Registers `hook(module, inputs, output)` to run after every forward call, as PyTorch's
   * register_forward_hook; a returned value (not undefined or null) replaces the output.
   * Hooks run in registration order (see registerForwardPreHook for how forward is wrapped).
   * @returns a handle whose `remove()` unregisters the hook
   * @throws TypeError when hook is not a function.
   * @example
   * const acts: Tensor[] = [];
   * const h = net.get(1).registerForwardHook((m, inputs, out) => { acts.push(out as Tensor); });
   */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    expectArity(`${this.constructor.name}.registerForwardHook`, arguments, 1);
    return addHook(`${this.constructor.name}.registerForwardHook`, this, 'forward', hook);
  }

  /**
   * Registers `hook(module, gradInput, gradOutput)`, called once per backward pass through a
   * forward call of this module, after the gradients with respect to its inputs are computed,
   * as PyTorch's register_full_backward_hook. gradInput holds one entry per forward argument
   * (null for one that is not a Tensor or does not require grad), gradOutput one per output;
   * a returned array of the same length replaces gradInput for the rest of the backward pass.
   * Where no input requires grad, the hook runs when the output gradients are in, with
   * gradInput all null, and may not return gradients. Only forward calls made while gradients
   * are recorded (not inside noGrad) and while the hook is registered are hooked.
   *
   * The module's tensor inputs and outputs pass through identity autograd nodes (PyTorch's
   * BackwardHookFunction): forward gets, and returns, tensors that share their data with the
   * originals but are new objects.
   * @returns a handle whose `remove()` unregisters the hook
   * @throws TypeError when hook is not a function; during backward, TypeError or RangeError
   *   when the hook returns something other than undefined, null or gradients of the inputs' shapes.
   * @example net.registerFullBackwardHook((m, gradInput, gradOutput) => gradInput.map((g) => g && g.mul(0.5)));
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>): RemovableHandle {
    expectArity(`${this.constructor.name}.registerFullBackwardHook`, arguments, 1);
    return addHook(`${this.constructor.name}.registerFullBackwardHook`, this, 'backward', hook);
  }

  /** Calls fn on every descendant and then on this module, as torch's apply; returns this. */
  apply(fn: (m: Module) => void): this {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.apply`, arguments, 1);
    if (typeof fn !== 'function') throw typeError(`${this.constructor.name}.apply`, 'a function', 'fn', fn);
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers by PyTorch's dotted names, in PyTorch's order
   * (each module's parameters, then its buffers, then its children's). The tensors share
   * the module's data and are detached from the graph.
   */
  stateDict(): Record<string, Tensor> {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    const out: Record<string, Tensor> = {};
    const visit = (m: Module, prefix: string) => {
      for (const [name, , p] of m.ownTensors(Parameter)) out[prefix + name] = p.detach();
      // A buffer set to null is still registered but, as PyTorch's None buffers, not saved.
      for (const [name, , b, persistent] of m.ownBuffers()) if (persistent) out[prefix + name] = b.detach();
      for (const [name, child] of m.namedChildren()) visit(child, `${prefix}${name}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Copies tensors into this module's parameters and buffers by name.
   * @param opts `{ strict = true }`: with strict, missing or unexpected keys are an error.
   * @throws TypeError for a state dict that is not an object, options that are not an object, or
   *   a value that is not a whole Tensor; RangeError naming missing keys, unexpected keys and
   *   shape mismatches.
   */
  loadStateDict(sd: Record<string, Tensor>, opts: { strict?: boolean } = {}): LoadResult {
    const where = `${this.constructor.name}.loadStateDict`;
    // PyTorch's load_state_dict(sd, strict): `m.loadStateDict(sd, false)` is told to pass { strict: false }.
    if (arguments.length > 1) expectArity(where, arguments, 1, true, [undefined, 'strict']);
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) throw typeError(where, 'a state dict (an object of Tensors)', 'stateDict', sd);
    const strict = checkOptions(where, opts, ['strict']).strict ?? true;
    checkBoolean(where, 'strict', strict);
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    const mismatched: string[] = [];
    for (const [k, t] of Object.entries(own)) {
      if (!(k in sd)) continue;
      // Whole tensors only: data of another length than the shape would be copied short, or overflow.
      const src = checkTensor(where, `stateDict['${k}']`, sd[k]);
      if (src.shape.length !== t.shape.length || src.shape.some((s, i) => s !== t.shape[i])) {
        mismatched.push(`${k}: expected shape ${formatShape(t.shape)}, got ${formatShape(src.shape)}`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (mismatched.length) problems.push(`size mismatch: ${mismatched.join('; ')}`);
    if (problems.length) throw rangeErrorText(where, "this module's keys and shapes", 'stateDict', problems.join('. '));
    for (const [k, t] of Object.entries(own)) if (k in sd) t.data.set(sd[k].data);
    return { missingKeys, unexpectedKeys };
  }

  /** The part of the one-line description inside the parentheses (PyTorch's extra_repr). */
  extraRepr(): string {
    return '';
  }

  /** A module tree like PyTorch's repr, with a parameter count at the top. */
  toString(): string {
    const lines = (m: Module): string => {
      const kids = m.namedChildren();
      const head = `${m.constructor.name}(${m.extraRepr()}`;
      if (kids.length === 0) return `${head})`;
      const body = kids.map(([n, c]) => `  (${n}): ${lines(c).split('\n').join('\n  ')}`).join('\n');
      return `${head}${m.extraRepr() ? '\n' : '\n'}${body}\n)`;
    };
    const count = this.parameters().reduce((s, p) => s + p.numel, 0);
    return `${lines(this)}\n(${count.toLocaleString('en-US')} parameters)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
