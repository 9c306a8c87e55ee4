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
    const out: [string, Module][] = [];
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (v instanceof Module) out.push([key, v]);
    }
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
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
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Buffer][] {
    const out: [string, Buffer][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, , b] of m.ownBuffers()) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): Buffer[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(mode = true): this {
    checkBoolean(`${this.constructor.name}.train`, 'mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off, BatchNorm on running statistics); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Calls fn on every descendant and then on this module, as torch's apply; returns this. */
  apply(fn: (m: Module) => void): this {
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
