// Optimizer: the base of kiln's optimisers (and of users' own), after torch.optim.Optimizer.
//
// It owns the parameter groups (each a list of tensors plus its options, read afresh at
// every step, so `opt.paramGroups[0].lr = 0.01` takes effect at the next step), the
// per-parameter state, zeroGrad, and stateDict/loadStateDict in PyTorch's layout. Subclasses
// validate their options and implement `step` with one fused native call per parameter.
import { Tensor, bumpVersion, checkTensor, setGradEnabled } from '../tensor';
import { camelName, stateName } from '../naming';
import { checkInt, checkOptions, describe, rangeError, typeError } from '../errors';
import { rangeErrorText, shapeError } from '../errors';
import { checkOptionNames, expectArity } from '../options';
import { formatShape, sameShape } from '../shape';

/**
 * Options every optimiser has: the learning rate.
 * @example class MyOpt extends kiln.optim.Optimizer<kiln.optim.BaseOptions> { ... }
 */
export interface BaseOptions {
  /** The learning rate, read from the group at every step. */
  lr: number;
}

/**
 * A parameter group as given to a constructor: tensors plus options overriding the defaults.
 * @example new kiln.optim.SGD([{ params: backbone.parameters(), lr: 0.01 }, { params: head.parameters() }], { lr: 0.1 });
 */
export type ParamGroupInput<O> = {
  /** The group's tensors (one tensor, or an iterable such as `module.parameters()`). */
  params: Iterable<Tensor> | Tensor;
} & Partial<O> & Record<string, unknown>;

/**
 * A parameter group as the optimiser holds it: every option filled in. Options may be
 * changed between steps (`opt.paramGroups[0].lr = 0.01`).
 * @example for (const g of opt.paramGroups) g.lr *= 0.5;
 */
export type ParamGroup<O> = O & {
  /** The group's tensors. */
  params: Tensor[];
  /** The base lr recorded by the first learning-rate scheduler (PyTorch's initial_lr). */
  initialLr?: number;
} & Record<string, unknown>;

/**
 * Per-parameter state: PyTorch's keys (`step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`, `momentum_buffer`).
 * @example const m = adam.state.get(linear.weight)?.exp_avg; // Adam's first moment
 */
export type ParamState = Record<string, Tensor | null>;

/**
 * An optimiser's state in PyTorch's layout: parameters are numbered across groups in order.
 * @example const sd: kiln.optim.OptimizerStateDict = opt.stateDict(); sd.param_groups[0].lr;
 */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter number; parameters that have not stepped are absent. */
  state: Record<number, ParamState>;
  /** Each group's options with PyTorch's snake_case names, and `params`: its parameter numbers. */
  param_groups: Record<string, unknown>[];
}

/**
 * What `params` may be: tensors (a Module's `parameters()`), or an array of parameter groups.
 * @example new kiln.optim.Adam([{ params: encoder.parameters(), lr: 1e-4 }, { params: head.parameters() }]);
 */
export type Params<O> = Iterable<Tensor> | ParamGroupInput<O>[];

/**
 * Validates one complete set of options; `prefix` qualifies names ('paramGroups[1].').
 * `isDefaults` marks the constructor's defaults, which may leave out a required option
 * (SGD's lr) that every group then sets, as torch's `required`. Throws in kiln's error format.
 * @example const check: kiln.optim.OptionsCheck<{ lr: number }> = (where, o, prefix) => { if (!(o.lr >= 0)) throw new RangeError(`${where}: expected a non-negative number for ${prefix}lr, got ${o.lr}`); };
 */
export type OptionsCheck<O> = (where: string, options: O, prefix: string, isDefaults: boolean) => void;


// torch options kiln does not implement: a state dict from PyTorch that turns one on must not
// load silently (foreach only picks an implementation, so it is accepted and ignored). An
// optimiser that implements one (Adadelta's maximize) has it among its defaults.
const UNSUPPORTED = ['maximize', 'capturable', 'differentiable', 'fused'];

function rejectUnsupported(where: string, group: Record<string, unknown>, prefix: string, defaults: object): void {
  for (const key of UNSUPPORTED) {
    if (group[key] && !(key in defaults)) throw rangeError(where, 'false (kiln does not implement it)', `${prefix}${key}`, group[key]);
  }
}

function isGroup(v: unknown): v is ParamGroupInput<unknown> {
  return v !== null && typeof v === 'object' && !(v instanceof Tensor) && 'params' in (v as object);
}

/**
 * The base class of optimisers, kiln's and your own, as torch.optim.Optimizer: it holds the
 * parameter groups (`paramGroups`, each a list of tensors with its options, read afresh at every
 * step), the per-parameter `state`, and implements `zeroGrad`, `addParamGroup` and
 * `stateDict`/`loadStateDict` in PyTorch's layout. A subclass passes its defaults and an options
 * check to the constructor and implements `step`: for each group (validated again with
 * `checkGroup`, since the user may have changed it), for each parameter with a gradient
 * (`gradOf`), update `p.data` in place and keep what it carries over in `this.state` as
 * tensors under PyTorch's keys, so that state dicts save, load and resume it. `runClosure`
 * runs step's optional closure with gradients enabled.
 * @example
 * import { Tensor, optim } from 'kiln';
 * // Plain SGD with momentum: p -= lr * b, b = momentum * b + g.
 * interface MySGDOptions { lr: number; momentum: number }
 * class MySGD extends optim.Optimizer<MySGDOptions> {
 *   constructor(params: Iterable<Tensor>, opts: Partial<MySGDOptions> = {}) {
 *     super(params, { lr: opts.lr ?? 0.01, momentum: opts.momentum ?? 0 }, (where, o, prefix) => {
 *       optim.checkNonNegative(where, `${prefix}lr`, o.lr);
 *       optim.checkNonNegative(where, `${prefix}momentum`, o.momentum);
 *     });
 *   }
 *   step(closure?: () => unknown): unknown {
 *     const loss = optim.runClosure('MySGD.step', closure);
 *     this.paramGroups.forEach((group, i) => {
 *       this.checkGroup(group, i);
 *       for (const p of group.params) {
 *         const g = optim.gradOf('MySGD.step', p);
 *         if (g === null) continue; // no gradient: skipped
 *         let state = this.state.get(p);
 *         if (state === undefined) this.state.set(p, (state = { momentum_buffer: new Tensor(new Float32Array(p.numel), p.shape.slice()) }));
 *         const b = state.momentum_buffer!.data;
 *         for (let j = 0; j < g.length; j++) {
 *           b[j] = group.momentum * b[j] + g[j];
 *           p.data[j] -= group.lr * b[j];
 *         }
 *       }
 *     });
 *     return loss;
 *   }
 * }
 * const opt = new MySGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The options a group takes when it does not override them. */
  readonly defaults: O;
  /** The groups: `paramGroups[i].lr` and the other options are read at every step. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created at a parameter's first step. */
  state = new Map<Tensor, ParamState>();
  // Typed without O so that an Optimizer<SGDOptions> is an Optimizer (a parameter of type O
  // would make the class contravariant in O).
  private readonly check: (where: string, options: unknown, prefix: string, isDefaults: boolean) => void;

  /**
   * @param params tensors, or an array of groups `{ params, ...overrides }`
   * @param defaults the options of groups that do not override them
   * @param check validates a complete set of options (throws with kiln's error format)
   * @throws {TypeError} when params is not tensors or groups, or an option has the wrong type.
   * @throws {RangeError} for an empty parameter list, a non-leaf tensor, a parameter given
   *   twice, an invalid option value, or a PyTorch option kiln does not implement
   *   (maximize, capturable, differentiable, fused) set to true.
   * @example super(params, { lr: 0.01 }, (where, o) => { if (!(o.lr > 0)) throw new RangeError(`${where}: expected a positive number for lr, got ${o.lr}`); });
   */
  constructor(params: Params<O>, defaults: O, check: OptionsCheck<O>) {
    const where = this.constructor.name;
    this.check = check as (where: string, options: unknown, prefix: string, isDefaults: boolean) => void;
    check(where, defaults, '', true);
    this.defaults = defaults;
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<unknown>)[Symbol.iterator] !== 'function' || params instanceof Tensor) {
      throw typeError(where, 'an iterable of Tensors (such as model.parameters()) or an array of parameter groups', 'params', params);
    }
    const list = Array.from(params as Iterable<unknown>);
    if (list.length === 0) throw rangeErrorText(where, 'at least one parameter', 'params', 'an empty list');
    // Plain tensors make one group, whose errors name `params` and `lr`, not paramGroups[0].
    if (isGroup(list[0])) list.forEach((g) => this.addGroup(g as ParamGroupInput<O>, true));
    else this.addGroup({ params: list } as unknown as ParamGroupInput<O>, false);
  }

  /**
   * Adds a group of parameters with its own options (the defaults fill the rest), as
   * torch's add_param_group; for fine-tuning layers that were frozen.
   * @param group `{ params, ...options }`
   * @throws {TypeError} for a group without `params`, a non-tensor in it, or an option of the wrong type.
   * @throws {RangeError} for a parameter already in a group, a non-leaf tensor, or an invalid option value.
   * @example opt.addParamGroup({ params: backbone.parameters(), lr: 1e-4 });
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.addParamGroup`, arguments, 1);
    this.addGroup(group, true);
  }

  private addGroup(group: ParamGroupInput<O>, named: boolean): void {
    const where = this.constructor.name;
    const name = `paramGroups[${this.paramGroups.length}]`;
    const prefix = named ? `${name}.` : '';
    if (!isGroup(group)) throw typeError(where, 'a parameter group ({ params, ...options })', name, group);
    checkOptionNames(where, group, ['params', ...Object.keys(this.defaults as object), ...UNSUPPORTED, 'foreach']);
    const raw = group.params;
    const params: unknown[] = raw instanceof Tensor ? [raw] : raw !== null && typeof raw === 'object' && Symbol.iterator in raw ? Array.from(raw as Iterable<unknown>) : [raw];
    const seen = new Set<Tensor>(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, j) => {
      const pname = `${prefix}params[${j}]`;
      if (!(p instanceof Tensor)) throw typeError(where, 'a Tensor', pname, p);
      if (!p.isLeaf) throw rangeErrorText(where, 'a leaf tensor (not the result of an op)', pname, `one computed by ${p.gradFn!.name}`);
      if (seen.has(p)) throw rangeErrorText(where, 'each parameter once (in one group only)', pname, 'one given before');
      seen.add(p);
    });
    const overrides = Object.fromEntries(Object.entries(group).filter(([, v]) => v !== undefined));
    const merged: Record<string, unknown> = { ...(this.defaults as object), ...overrides, params };
    // Array options (betas) are copied so that groups never share them with the defaults.
    for (const [key, v] of Object.entries(merged)) if (key !== 'params' && Array.isArray(v)) merged[key] = v.slice();
    rejectUnsupported(where, merged, prefix, this.defaults);
    const full = merged as unknown as ParamGroup<O>;
    this.check(where, full, prefix, false);
    this.paramGroups.push(full);
  }

  /**
   * Performs one update of every parameter that has a gradient.
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @returns the closure's result, or undefined without one
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example loss.backward(); opt.step(); opt.zeroGrad();
   */
  abstract step(closure?: () => unknown): unknown;

  /**
   * Validates a group's options as they are now (the user may have changed them); step calls it.
   * @throws {TypeError} for an option of the wrong type.
   * @throws {RangeError} for an invalid option value.
   * @example this.paramGroups.forEach((g, i) => this.checkGroup(g, i));
   */
  checkGroup(group: ParamGroup<O>, index: number): void {
    this.check(`${this.constructor.name}.step`, group, `paramGroups[${index}].`, false);
  }

  /**
   * Clears the gradients of every parameter: sets them to null (the default, as PyTorch 2),
   * or fills them with zeros with `{ setToNone: false }`.
   * @param opts `{ setToNone = true }`
   * @throws {TypeError} for options that are not an object or a non-boolean setToNone.
   * @example opt.zeroGrad(); loss.backward(); opt.step();
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    // PyTorch's zero_grad(set_to_none): `opt.zeroGrad(false)` is told to pass { setToNone: false }.
    if (arguments.length > 0) expectArity(`${this.constructor.name}.zeroGrad`, arguments, 0, true, ['setToNone']);
    const setToNone = checkOptions(`${this.constructor.name}.zeroGrad`, opts, ['setToNone']).setToNone ?? true;
    if (typeof setToNone !== 'boolean') throw typeError(`${this.constructor.name}.zeroGrad`, 'a boolean', 'setToNone', setToNone);
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else if (p.grad) p.grad.data.fill(0);
      }
    }
  }

  /**
   * The state in PyTorch's layout: `{ state: { index: { step, exp_avg, ... } }, param_groups:
   * [{ lr, ..., params: [indices] }] }`, with PyTorch's snake_case option names
   * (`weight_decay`). Parameters are numbered across groups in order. Tensors are shared
   * with the optimiser, as torch's state_dict shares them: clone to keep a snapshot.
   * @example const sd = opt.stateDict(); sd.state[0].exp_avg; // a Tensor shared with opt
   */
  stateDict(): OptimizerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((g) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) {
        if (key === 'params') continue;
        packed[stateName(key)] = Array.isArray(value) ? value.slice() : value;
      }
      packed['params'] = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return packed;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups };
  }

  /**
   * Loads a state dict from `stateDict()` (or one with PyTorch's layout): copies the
   * per-parameter state (tensors are cloned) and takes each group's options from it.
   * @throws {TypeError} for a malformed state dict (missing state or param_groups, a
   *   non-tensor state value) or an option of the wrong type.
   * @throws {RangeError} when the group count or a group's size differs, state names an
   *   unknown parameter, a state tensor's shape does not match its parameter, a step is not
   *   a count, or an option value is invalid or unsupported.
   * @example opt.loadStateDict(saved);
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const where = `${this.constructor.name}.loadStateDict`;
    if (arguments.length > 1) expectArity(where, arguments, 1);
    if (sd === null || typeof sd !== 'object' || !Array.isArray(sd.param_groups) || sd.state === null || typeof sd.state !== 'object') {
      throw typeError(where, 'a state dict ({ state, param_groups })', 'stateDict', sd);
    }
    const saved = sd.param_groups;
    if (saved.length !== this.paramGroups.length) {
      throw rangeError(where, `${this.paramGroups.length} parameter groups (as this optimizer has)`, 'param_groups', saved.length);
    }
    const idMap = new Map<number, Tensor>();
    saved.forEach((g, i) => {
      const ids = g && Array.isArray(g['params']) ? (g['params'] as unknown[]) : null;
      if (ids === null) throw typeError(where, 'an array of parameter indices', `param_groups[${i}].params`, g ? g['params'] : g);
      const own = this.paramGroups[i].params;
      if (ids.length !== own.length) {
        throw rangeError(where, `${own.length} parameters (as this optimizer's group has)`, `param_groups[${i}].params`, ids.length);
      }
      ids.forEach((id, j) => idMap.set(Number(id), own[j]));
    });
    const state = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = idMap.get(Number(key));
      if (p === undefined) throw rangeError(where, 'the indices of parameters in param_groups as keys', 'state', key);
      if (entry === null || typeof entry !== 'object') throw typeError(where, 'an object of state tensors', `state[${key}]`, entry);
      const s: ParamState = {};
      for (const [name, v] of Object.entries(entry as Record<string, unknown>)) {
        if (v === null || v === undefined) {
          s[name] = null;
        } else if (typeof v === 'number' && name === 'step') {
          checkInt(where, `state[${key}].step`, v);
          // Older PyTorch state dicts hold the step as a number.
          s[name] = new Tensor(new Float32Array([v]), []);
        } else if (v instanceof Tensor) {
          checkTensor(where, `state[${key}].${name}`, v);
          if (name === 'step' && !(v.numel === 1 && Number.isInteger(v.data[0]) && v.data[0] >= 0)) {
            throw rangeError(where, 'a one-element Tensor holding a step count', `state[${key}].step`, v.numel === 1 ? v.data[0] : v);
          }
          const shape = name === 'step' ? null : this.stateShape(name, p);
          if (shape !== null && !sameShape(v.shape, shape)) {
            const what = sameShape(shape, p.shape) ? `its parameter's shape ${formatShape(shape)}` : `shape ${formatShape(shape)}`;
            throw shapeError(where, what, `state[${key}].${name}`, v.shape);
          }
          s[name] = new Tensor(v.data.slice(), v.shape.slice());
        } else {
          throw typeError(where, 'a Tensor', `state[${key}].${name}`, v);
        }
      }
      state.set(p, s);
    }
    const groups = saved.map((g, i) => {
      const group: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) {
        if (key !== 'params') group[camelName(key)] = Array.isArray(value) ? value.slice() : value;
      }
      rejectUnsupported(where, group, `param_groups[${i}].`, this.defaults);
      group['params'] = this.paramGroups[i].params;
      const full = group as ParamGroup<O>;
      this.check(where, full, `param_groups[${i}].`, false);
      return full;
    });
    this.paramGroups = groups;
    this.state = state;
  }

  /**
   * The shape that loadStateDict requires of a state tensor (other than `step`, which must hold
   * a step count): the parameter's, by default. Optimisers whose state holds other shapes
   * (NAdam's scalar `mu_product`, LBFGS's history) override it; null accepts any shape.
   * @param name the state key (`exp_avg`)
   * @param param the parameter the state belongs to
   */
  protected stateShape(name: string, param: Tensor): readonly number[] | null {
    void name;
    return param.shape;
  }

  /**
   * The class name and each group's options, as PyTorch prints an optimiser.
   * @example String(opt); // 'SGD (\nParameter Group 0\n    lr: 0.1\n    ...\n)'
   */
  toString(): string {
    const lines = this.paramGroups.map((g, i) => {
      const opts = Object.entries(g)
        .filter(([k]) => k !== 'params')
        .map(([k, v]) => `    ${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : describe(v).replace(/^'(.*)'$/, '$1')}`);
      return `Parameter Group ${i}\n${opts.join('\n')}`;
    });
    return `${this.constructor.name} (\n${lines.join('\n')}\n)`;
  }
}

/**
 * The gradient of a parameter as a Float32Array (for a custom optimiser's step), checked
 * against the parameter's size; null when it has none (the parameter is then skipped). A
 * parameter with a gradient is about to be updated in place, so its version counter moves
 * on, as PyTorch's in-place update does: a backward through an older graph that saved the
 * parameter then fails instead of using the new values.
 * @param where the caller, for error messages (`MySGD.step`)
 * @param p the parameter
 * @throws TypeError for a parameter or gradient that is not a live Tensor; RangeError when the gradient's size differs from the parameter's.
 * @example const g = optim.gradOf('MySGD.step', p); if (g !== null) p.data[0] -= 0.1 * g[0];
 */
export function gradOf(where: string, p: Tensor): Float32Array | null {
  if (p.grad === null || p.grad === undefined) return null;
  checkTensor(where, 'a parameter', p);
  checkTensor(where, "a parameter's grad", p.grad);
  if (p.grad.data.length !== p.data.length) {
    throw shapeError(where, `its parameter's shape ${formatShape(p.shape)}`, "a parameter's grad", p.grad.shape);
  }
  bumpVersion(p.data);
  return p.grad.data;
}

/**
 * Runs a step's closure with gradients enabled (step itself may be called under noGrad), as
 * torch's step(closure), and returns what the closure returns: undefined without a closure.
 * @param where the caller, for error messages (`MySGD.step`)
 * @param closure [none] re-evaluates the model (zeroGrad, forward, backward) and returns the loss
 * @throws TypeError when closure is neither undefined nor a function.
 * @example const loss = optim.runClosure('MySGD.step', closure);
 */
export function runClosure(where: string, closure: (() => unknown) | undefined): unknown {
  if (closure === undefined) return undefined;
  if (typeof closure !== 'function') throw typeError(where, 'a function', 'closure', closure);
  const prev = setGradEnabled(true);
  try {
    return closure();
  } finally {
    setGradEnabled(prev);
  }
}
