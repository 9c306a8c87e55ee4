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

/**
 * What {@link Module.loadStateDict} matched, as PyTorch's `_IncompatibleKeys`: both lists are
 * empty after a strict load (a strict load with either non-empty throws instead).
 * @example
 * const { missingKeys, unexpectedKeys } = model.loadStateDict(sd, { strict: false });
 */
export interface LoadResult {
  /** This module's state-dict keys that the given state dict did not have (left unchanged). */
  missingKeys: string[];
  /** Keys of the given state dict that this module does not have (ignored). */
  unexpectedKeys: string[];
}

/**
 * Base class for layers and models, as torch.nn.Module: subclass it, assign Parameters,
 * Buffers and Modules as properties, and override forward. Properties register in assignment
 * order, which is the order of parameters() and the state-dict keys (PyTorch's order).
 * @throws {TypeError} when a value other than a Tensor or null is assigned to a property that
 *   holds a Buffer (`cannot assign 'int' as buffer` in PyTorch).
 * @example
 * class Net extends kiln.nn.Module {
 *   fc1 = new kiln.nn.Linear(784, 128);
 *   fc2 = new kiln.nn.Linear(128, 10);
 *   forward(x: kiln.Tensor) { return this.fc2.forward(this.fc1.forward(x).relu()); }
 * }
 * const net = new Net();
 * net.stateDict(); // { 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias' }
 */
export class Module {
  /**
   * Whether the module is in training mode (dropout active, BatchNorm on batch statistics);
   * set by {@link Module.train} and {@link Module.eval} for the whole tree. @defaultValue true
   */
  training = true;

  constructor() {
    Object.defineProperty(this, BUFFER_NAMES, { value: new Map<string, boolean>(), enumerable: false });
    // Subclasses' constructors and fields run on the proxy, so their buffers register.
    return new Proxy(this, moduleTraps);
  }

  /**
   * Computes the output; every subclass overrides it (the base class has no computation).
   * @throws {TypeError} when a subclass did not override it.
   * @example const y = net.forward(x);
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  forward(..._inputs: unknown[]): unknown {
    throw typeErrorText(`${this.constructor.name}.forward`, 'an override in a subclass of Module', 'forward', 'none (not implemented)');
  }

  /**
   * The same as forward, for code written in PyTorch's `model(x)` style.
   * @example const logits = net.call(x) as kiln.Tensor;
   */
  call(...inputs: unknown[]): unknown {
    return this.forward(...inputs);
  }

  /**
   * Direct sub-modules with their property names, in registration order (PyTorch's
   * named_children).
   * @example for (const [name, child] of net.namedChildren()) console.log(name, child.constructor.name);
   */
  namedChildren(): [string, Module][] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.namedChildren`, arguments, 0);
    const out: [string, Module][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (v instanceof Module) out.push([key, v]);
    }
    return out;
  }

  /**
   * Direct sub-modules in registration order, as PyTorch's children().
   * @example new kiln.nn.Sequential(new kiln.nn.Linear(4, 2), new kiln.nn.ReLU()).children().length; // 2
   */
  children(): Module[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.children`, arguments, 0);
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and every descendant, depth first, with dotted names ('' for this one); a
   * module reachable twice is listed once, as PyTorch's named_modules.
   * @param prefix [''] prepended to every name (the first entry's name is the prefix itself).
   * @example net.namedModules().map(([name]) => name); // ['', 'fc1', 'fc2']
   */
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

  /**
   * This module first, then every descendant, depth first (PyTorch's modules()).
   * @example net.modules().filter((m) => m instanceof kiln.nn.Linear).length;
   */
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

  /**
   * [name, Parameter] pairs of this module and its descendants, each parameter once (a shared
   * weight under its first name), with PyTorch's dotted snake_case names.
   * @example for (const [name, p] of net.namedParameters()) console.log(name, p.shape);
   */
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

  /**
   * Every Parameter of this module and its descendants, each once, in registration order: what
   * an optimiser is given.
   * @example const opt = new kiln.optim.SGD(net.parameters(), { lr: 0.1 });
   */
  parameters(): Parameter[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.parameters`, arguments, 0);
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * [name, Buffer] pairs of this module and its descendants (BatchNorm's running statistics),
   * non-persistent ones included, with PyTorch's dotted snake_case names.
   * @example new kiln.nn.BatchNorm1d(8).namedBuffers().map(([n]) => n); // ['running_mean', 'running_var', 'num_batches_tracked']
   */
  namedBuffers(): [string, Buffer][] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.namedBuffers`, arguments, 0);
    const out: [string, Buffer][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, , b] of m.ownBuffers()) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  /**
   * Every buffer of this module and its descendants: tensors that are state but not trained.
   * @example new kiln.nn.BatchNorm2d(16).buffers().length; // 3
   */
  buffers(): Buffer[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.buffers`, arguments, 0);
    return this.namedBuffers().map(([, b]) => b);
  }

  /**
   * Sets training mode here and in every descendant; returns this.
   * @param mode [true] true for training, false for evaluation.
   * @throws {TypeError} when mode is not a boolean.
   * @example net.train(); // dropout on, BatchNorm on batch statistics
   */
  train(mode = true): this {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.train`, arguments, 1);
    checkBoolean(`${this.constructor.name}.train`, 'mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Evaluation mode (dropout off, BatchNorm on running statistics), the same as train(false);
   * returns this.
   * @example const pred = kiln.noGrad(() => net.eval().forward(x));
   */
  eval(): this {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.eval`, arguments, 0);
    return this.train(false);
  }

  /**
   * Clears every parameter's gradient (sets it to null, as PyTorch's default set_to_none).
   * @example net.zeroGrad(); loss.backward();
   */
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

  /**
   * Calls fn on every descendant and then on this module (children first), as torch's apply;
   * returns this.
   * @throws {TypeError} when fn is not a function.
   * @example
   * net.apply((m) => { if (m instanceof kiln.nn.Linear) kiln.nn.init.xavierUniform(m.weight); });
   */
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
   * the module's data and are detached from the graph. Non-persistent buffers and buffers set
   * to null are left out.
   * @example await kiln.save(net.stateDict(), 'net.safetensors');
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
   * Copies tensors into this module's parameters and buffers by name, as PyTorch's
   * load_state_dict; nothing is copied unless every check passes.
   * @param sd a state dict: PyTorch's dotted names to Tensors, as stateDict() or load() give.
   * @param opts `{ strict = true }`: with strict, missing or unexpected keys are an error;
   *   without, they are reported in the result and skipped.
   * @returns the keys missing from sd and the keys of sd this module does not have.
   * @throws {TypeError} when sd is not an object, opts is not an object or names an unknown
   *   option, strict is not a boolean, or a value is not a whole Tensor.
   * @throws {RangeError} naming every missing key and unexpected key (strict only) and every
   *   shape mismatch (always).
   * @example net.loadStateDict(await kiln.load('net.safetensors'));
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

  /**
   * The part of the one-line description inside the parentheses (PyTorch's extra_repr); ''
   * here, overridden by layers with settings to show.
   * @example new kiln.nn.Linear(4, 2).extraRepr(); // 'in_features=4, out_features=2, bias=True'
   */
  extraRepr(): string {
    return '';
  }

  /**
   * A module tree like PyTorch's repr, followed by the parameter count.
   * @example
   * String(new kiln.nn.Sequential(new kiln.nn.Linear(4, 2)));
   * // Sequential(
   * //   (0): Linear(in_features=4, out_features=2, bias=True)
   * // )
   * // (10 parameters)
   */
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
