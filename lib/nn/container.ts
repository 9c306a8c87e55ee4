// torch.nn.ModuleList, ModuleDict and ParameterList: containers that register what they hold
// (children or parameters) under PyTorch's names, so state-dict keys match ('layers.0.weight',
// 'heads.a.bias', 'scales.1'), and that have no forward of their own.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { checkInt, typeError, rangeError } from '../errors';
import { expectArity } from '../options';

/** The items of an iterable argument, or a TypeError naming it (a string is not taken). */
function itemsOf(where: string, name: string, xs: unknown): unknown[] {
  if (xs === null || typeof xs !== 'object' || typeof (xs as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw typeError(where, 'an iterable (such as an array)', name, xs);
  }
  return Array.from(xs as Iterable<unknown>);
}

/**
 * Holds sub-modules in a list, registered as '0', '1', ... as torch.nn.ModuleList, so that
 * their parameters are the model's and state-dict keys match PyTorch's (`layers.0.weight`).
 * It has no forward: a model's forward iterates it.
 * @param modules [none] the initial modules, in order
 * @throws TypeError when modules is not an iterable of Modules.
 * @example
 * class Net extends nn.Module {
 *   layers = new nn.ModuleList([new nn.Linear(4, 8), new nn.Linear(8, 2)]);
 *   forward(x: Tensor) { for (const l of this.layers) x = l.forward(x) as Tensor; return x; }
 * }
 */
export class ModuleList extends Module {
  [index: number]: Module;
  private count = 0;

  constructor(modules?: Iterable<Module>) {
    super();
    expectArity('ModuleList', arguments, 1);
    if (modules !== undefined && modules !== null) this.extend(modules);
  }

  private checkModule(where: string, name: string, m: unknown): Module {
    if (!(m instanceof Module)) throw typeError(where, 'a Module', name, m);
    return m;
  }

  /**
   * Adds a module at the end; returns this.
   * @throws TypeError when m is not a Module.
   * @example layers.append(new nn.ReLU());
   */
  append(m: Module): this {
    expectArity('ModuleList.append', arguments, 1);
    this[this.count] = this.checkModule('ModuleList.append', 'module', m);
    this.count++;
    return this;
  }

  /**
   * Adds the modules of an iterable at the end, in order; returns this.
   * @throws TypeError when modules is not an iterable of Modules (then none is added).
   * @example layers.extend([new nn.Linear(8, 8), new nn.ReLU()]);
   */
  extend(modules: Iterable<Module>): this {
    expectArity('ModuleList.extend', arguments, 1);
    const items = itemsOf('ModuleList.extend', 'modules', modules).map((m, i) => this.checkModule('ModuleList.extend', `modules[${i}]`, m));
    for (const m of items) this[this.count++] = m;
    return this;
  }

  /**
   * Inserts a module before position `index` (negative counts from the end; `length` appends),
   * renumbering the modules after it, as PyTorch's insert; returns this.
   * @throws TypeError when index is not an integer or m is not a Module; RangeError when index
   *   is outside [-length, length].
   * @example layers.insert(0, new nn.Flatten());
   */
  insert(index: number, m: Module): this {
    expectArity('ModuleList.insert', arguments, 2);
    checkInt('ModuleList.insert', 'index', index, -this.count, this.count);
    this.checkModule('ModuleList.insert', 'module', m);
    const at = index < 0 ? index + this.count : index;
    for (let i = this.count; i > at; i--) this[i] = this[i - 1];
    this[at] = m;
    this.count++;
    return this;
  }

  /**
   * The i-th module; negative i counts from the end.
   * @throws TypeError when i is not an integer; RangeError when it is outside [-length, length).
   * @example const last = layers.get(-1);
   */
  get(i: number): Module {
    expectArity('ModuleList.get', arguments, 1);
    checkInt('ModuleList.get', 'i', i, -this.count, this.count - 1);
    return this[i < 0 ? i + this.count : i];
  }

  /** The number of modules. */
  get length(): number {
    return this.count;
  }

  /**
   * The modules in order.
   * @example [...new kiln.nn.ModuleList([new kiln.nn.Linear(4, 8), new kiln.nn.ReLU()])].length; // 2
   */
  [Symbol.iterator](): Iterator<Module> {
    const items: Module[] = [];
    for (let i = 0; i < this.count; i++) items.push(this[i]);
    return items[Symbol.iterator]();
  }
}

/** ModuleDict's keys in insertion order (a symbol: no key can collide with it). */
const KEYS = Symbol('kiln.moduleDictKeys');

/**
 * Holds sub-modules by name, registered under their keys as torch.nn.ModuleDict, in insertion
 * order (state-dict keys `heads.a.weight`, in that order). A key must be a non-empty string
 * without '.', and not the name of a Module property or method ('training', 'forward', 'keys'),
 * as PyTorch rejects names of existing attributes. It has no forward.
 * @param modules [none] the initial modules: a plain object, a Map or an iterable of [key, module]
 * @throws TypeError when modules is none of those or holds a value that is not a Module, or a
 *   key is not a string; RangeError for an empty key, one with '.', or a reserved name.
 * @example const heads = new nn.ModuleDict({ cls: new nn.Linear(16, 10), box: new nn.Linear(16, 4) });
 */
export class ModuleDict extends Module {
  private declare readonly [KEYS]: string[];

  constructor(modules?: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>) {
    super();
    expectArity('ModuleDict', arguments, 1);
    Object.defineProperty(this, KEYS, { value: [], enumerable: false });
    if (modules !== undefined && modules !== null) this.update(modules);
  }

  /**
   * Adds or replaces modules from a plain object, a Map or an iterable of [key, module] pairs, in
   * their order; returns this. All are checked before any is added.
   * @throws as the constructor.
   * @example heads.update({ extra: new nn.Linear(16, 1) });
   */
  update(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>): this {
    expectArity('ModuleDict.update', arguments, 1);
    const where = 'ModuleDict.update';
    let pairs: unknown[];
    if (modules !== null && typeof modules === 'object' && typeof (modules as Iterable<unknown>)[Symbol.iterator] === 'function') pairs = Array.from(modules as Iterable<unknown>);
    else if (modules !== null && typeof modules === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(modules))) pairs = Object.entries(modules);
    else throw typeError(where, 'a plain object, a Map or an iterable of [key, Module] pairs', 'modules', modules);
    const checked = pairs.map((p, i) => {
      if (!Array.isArray(p) || p.length !== 2) throw typeError(where, 'a [key, Module] pair', `modules[${i}]`, p);
      return [this.checkKey(where, p[0]), this.checkModule(where, `modules['${String(p[0])}']`, p[1])] as const;
    });
    for (const [k, m] of checked) this.put(k, m);
    return this;
  }

  private checkKey(where: string, key: unknown): string {
    if (typeof key !== 'string') throw typeError(where, 'a string', 'key', key);
    if (key === '' || key.includes('.')) throw rangeError(where, "a non-empty name without '.'", 'key', key);
    if (!this.has(key) && key in this) throw rangeError(where, `a name that is not a ${this.constructor.name} property or method`, 'key', key);
    return key;
  }

  private checkModule(where: string, name: string, m: unknown): Module {
    if (!(m instanceof Module)) throw typeError(where, 'a Module', name, m);
    return m;
  }

  private put(key: string, m: Module): void {
    if (!this[KEYS].includes(key)) this[KEYS].push(key);
    (this as unknown as Record<string, Module>)[key] = m;
  }

  /**
   * The module under `key`.
   * @throws TypeError when key is not a string; RangeError when there is none (PyTorch's KeyError).
   * @example heads.get('cls').forward(features);
   */
  get(key: string): Module {
    expectArity('ModuleDict.get', arguments, 1);
    if (typeof key !== 'string') throw typeError('ModuleDict.get', 'a string', 'key', key);
    if (!this.has(key)) throw rangeError('ModuleDict.get', `one of the keys (${this[KEYS].join(', ') || 'none'})`, 'key', key);
    return (this as unknown as Record<string, Module>)[key];
  }

  /**
   * Adds or replaces the module under `key`; returns this. A new key goes last.
   * @throws as the constructor.
   * @example heads.set('aux', new nn.Linear(16, 2));
   */
  set(key: string, m: Module): this {
    expectArity('ModuleDict.set', arguments, 2);
    this.put(this.checkKey('ModuleDict.set', key), this.checkModule('ModuleDict.set', 'module', m));
    return this;
  }

  /**
   * Whether a module is registered under `key`.
   * @example heads.has('cls'); // true
   */
  has(key: string): boolean {
    return typeof key === 'string' && this[KEYS].includes(key);
  }

  /**
   * Removes the module under `key`; returns whether there was one (as Map's delete).
   * @example heads.delete('aux');
   */
  delete(key: string): boolean {
    expectArity('ModuleDict.delete', arguments, 1);
    if (!this.has(key)) return false;
    this[KEYS].splice(this[KEYS].indexOf(key), 1);
    delete (this as unknown as Record<string, Module>)[key];
    return true;
  }

  /**
   * The keys in insertion order.
   * @example new kiln.nn.ModuleDict({ cls: new kiln.nn.Linear(16, 10), box: new kiln.nn.Linear(16, 4) }).keys(); // ['cls', 'box']
   */
  keys(): string[] {
    return this[KEYS].slice();
  }

  /**
   * The modules in insertion order.
   * @example new kiln.nn.ModuleDict({ cls: new kiln.nn.Linear(16, 10), box: new kiln.nn.Linear(16, 4) }).values().map((m) => (m as kiln.nn.Linear).outFeatures); // [10, 4]
   */
  values(): Module[] {
    return this[KEYS].map((k) => (this as unknown as Record<string, Module>)[k]);
  }

  /**
   * [key, module] pairs in insertion order.
   * @example const outs = Object.fromEntries(heads.entries().map(([k, m]) => [k, m.forward(features)]));
   */
  entries(): [string, Module][] {
    return this[KEYS].map((k) => [k, (this as unknown as Record<string, Module>)[k]]);
  }

  /** The number of modules. */
  get size(): number {
    return this[KEYS].length;
  }

  /**
   * The keys in insertion order, as iterating a PyTorch ModuleDict.
   * @example [...new kiln.nn.ModuleDict({ cls: new kiln.nn.Linear(16, 10), box: new kiln.nn.Linear(16, 4) })]; // ['cls', 'box']
   */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  /**
   * The modules with their keys, in insertion order (JavaScript would put '0' before 'a').
   * @example new kiln.nn.ModuleDict([['b', new kiln.nn.ReLU()], ['0', new kiln.nn.Tanh()]]).namedChildren().map(([k]) => k); // ['b', '0']
   */
  override namedChildren(): [string, Module][] {
    return this.entries();
  }
}

/**
 * Holds parameters in a list, registered as '0', '1', ... as torch.nn.ParameterList, so that
 * they are the model's parameters with state-dict keys `name.0`, `name.1`. A Tensor that is not
 * a Parameter is wrapped in one (sharing its data, requiring grad), as PyTorch does.
 * @param params [none] the initial parameters, in order
 * @throws TypeError when params is not an iterable of Tensors.
 * @example this.scales = new nn.ParameterList([ones([4]), ones([8])]);
 */
export class ParameterList extends Module {
  [index: number]: Parameter;
  private count = 0;

  constructor(params?: Iterable<Tensor>) {
    super();
    expectArity('ParameterList', arguments, 1);
    if (params !== undefined && params !== null) this.extend(params);
  }

  private toParameter(where: string, name: string, p: unknown): Parameter {
    if (!(p instanceof Tensor)) throw typeError(where, 'a Tensor', name, p);
    return p instanceof Parameter ? p : new Parameter(p);
  }

  /**
   * Adds a parameter at the end; returns this.
   * @throws TypeError when p is not a Tensor.
   * @example scales.append(new nn.Parameter(ones([4])));
   */
  append(p: Tensor): this {
    expectArity('ParameterList.append', arguments, 1);
    this[this.count] = this.toParameter('ParameterList.append', 'parameter', p);
    this.count++;
    return this;
  }

  /**
   * Adds the parameters of an iterable at the end, in order; returns this.
   * @throws TypeError when params is not an iterable of Tensors (then none is added).
   * @example scales.extend([ones([2]), zeros([3])]);
   */
  extend(params: Iterable<Tensor>): this {
    expectArity('ParameterList.extend', arguments, 1);
    const items = itemsOf('ParameterList.extend', 'params', params).map((p, i) => this.toParameter('ParameterList.extend', `params[${i}]`, p));
    for (const p of items) this[this.count++] = p;
    return this;
  }

  /**
   * The i-th parameter; negative i counts from the end.
   * @throws TypeError when i is not an integer; RangeError when it is outside [-length, length).
   * @example const first = scales.get(0);
   */
  get(i: number): Parameter {
    expectArity('ParameterList.get', arguments, 1);
    checkInt('ParameterList.get', 'i', i, -this.count, this.count - 1);
    return this[i < 0 ? i + this.count : i];
  }

  /** The number of parameters. */
  get length(): number {
    return this.count;
  }

  /**
   * The parameters in order.
   * @example [...new kiln.nn.ParameterList([kiln.ones([4]), kiln.ones([2, 3])])].map((p) => p.shape); // [[4], [2, 3]]
   */
  [Symbol.iterator](): Iterator<Parameter> {
    const items: Parameter[] = [];
    for (let i = 0; i < this.count; i++) items.push(this[i]);
    return items[Symbol.iterator]();
  }

  /**
   * One line per parameter, as PyTorch's ParameterList repr: `(0): Parameter containing: [torch.float32 of size 3x4]`;
   * '' when empty.
   * @example new kiln.nn.ParameterList([kiln.ones([4])]).extraRepr(); // '\n    (0): Parameter containing: [torch.float32 of size 4]\n'
   */
  override extraRepr(): string {
    if (this.count === 0) return '';
    const lines = [...this].map((p, i) => `    (${i}): Parameter containing: [torch.float32 of size ${p.shape.join('x')}]`);
    return `\n${lines.join('\n')}\n`;
  }
}
