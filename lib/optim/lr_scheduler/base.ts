// The base of the learning-rate schedulers, after torch.optim.lr_scheduler._LRScheduler (1.13).
//
// As PyTorch's: construction records each group's `initialLr` (PyTorch's 'initial_lr') as the
// base lr and takes step 0; call `scheduler.step()` after `optimizer.step()`, once per epoch
// (or per iteration). Each step computes the new lrs in PyTorch's chainable form, from the
// groups' CURRENT lrs (`getLr`), so that an lr changed by hand, or by a second scheduler on the
// same optimiser, carries through as in PyTorch; the closed form in the step count
// (`closedFormLr`) is used only where PyTorch uses it, when SequentialLR restarts a scheduler
// at a milestone (torch's deprecated `step(epoch)`).
import { Optimizer } from '../optimizer';
import { checkInt, checkOptions, typeError, rangeError } from '../../errors';
import { expectArity } from '../../options';

/** A scheduler's state in PyTorch's layout (`last_epoch`, `base_lrs`, `_step_count`, `_last_lr`, its own fields). */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * One option of a scheduler: its property (and constructor option) name, its name in PyTorch's
 * state dict, its check (the same in the constructor and in loadStateDict, which may also
 * accept PyTorch's saved form through `load`), its default (none: required) and how it is
 * saved (`save`, the value itself when absent).
 * @internal
 */
export interface OptionSpec {
  prop: string;
  key: string;
  check: (where: string, name: string, v: unknown) => unknown;
  default?: unknown;
  load?: (where: string, name: string, v: unknown) => unknown;
  save?: (v: unknown) => unknown;
}

/** @internal */
export const positiveInt = (where: string, name: string, v: unknown): number => checkInt(where, name, v, 1);

/** @internal An array of numbers (of length n when given). */
export function checkNumbers(where: string, name: string, v: unknown, n?: number): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw typeError(where, 'an array of numbers', name, v);
  if (n !== undefined && v.length !== n) throw rangeError(where, `${n} values (one per parameter group)`, name, v.length);
  return v.slice();
}

/** @internal The group lrs, checked against the count the scheduler was made for. */
export function groupLrs(where: string, optimizer: Optimizer, n: number): number[] {
  const groups = optimizer.paramGroups;
  if (groups.length !== n) throw rangeError(where, `${n} parameter groups (as when the scheduler was made)`, 'optimizer.paramGroups', groups.length);
  return groups.map((g) => g.lr);
}

/**
 * The base of the epoch-driven schedulers: owns the step count, the base learning rates and
 * the options, and sets every group's lr at each step from the subclass's `getLr()`.
 * @example
 * class HalveLR extends optim.lrScheduler.LRScheduler {
 *   constructor(opt: optim.Optimizer) { super(opt); this.init('HalveLR', [], {}); this.start(); }
 *   protected getLr() { return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr / 2)); }
 * }
 */
export abstract class LRScheduler {
  /** The optimiser whose groups' lrs this scheduler sets. */
  readonly optimizer: Optimizer;
  /** The base lr of each group (its `initialLr`). */
  baseLrs: number[] = [];
  /** The step count t: 0 after construction, +1 per `step()` (PyTorch's last_epoch). */
  lastEpoch = -1;
  /** The lrs this scheduler last set (PyTorch's _last_lr). */
  protected lastLrs: number[] = [];
  /** The number of steps taken, construction's included (PyTorch's _step_count). */
  protected stepCount = 0;
  /** The class name used in error messages. */
  protected where: string;
  private specs: readonly OptionSpec[] = [];

  /**
   * @param optimizer the optimiser to schedule
   * @throws TypeError for a non-Optimizer.
   */
  constructor(optimizer: Optimizer) {
    this.where = this.constructor.name;
    if (!(optimizer instanceof Optimizer)) throw typeError(this.where, 'an Optimizer', 'optimizer', optimizer);
    this.optimizer = optimizer;
  }

  /**
   * Checks and sets the options a subclass declares in `specs` from `opts` (an unknown key is
   * a TypeError naming it; `extra` lists option names the subclass reads itself) and returns
   * the options object; the subclass then calls `start()`.
   */
  protected init(where: string, specs: readonly OptionSpec[], opts: object | undefined, extra: readonly string[] = []): Record<string, unknown> {
    const o = checkOptions(where, opts as Record<string, unknown> | undefined, [...specs.map((s) => s.prop), ...extra]);
    this.where = where;
    this.specs = specs;
    const values = specs.map((s) => s.check(where, s.prop, o[s.prop] ?? s.default));
    specs.forEach((s, i) => this.setOption(s, values[i]));
    return o;
  }

  private setOption(s: OptionSpec, v: unknown): void {
    (this as unknown as Record<string, unknown>)[s.prop] = v;
  }

  /**
   * Records each group's initialLr (kept if already set, so schedulers can be stacked) as the
   * base lr, and takes step 0 (torch's _initial_step).
   */
  protected start(): void {
    for (const g of this.optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = this.optimizer.paramGroups.map((g) => g.initialLr as number);
    this.initialStep();
  }

  /** Resets the step count and takes step 0 (torch's _initial_step; SequentialLR calls it too). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * The new lr of each group at step `lastEpoch`, in PyTorch's chainable form (torch's
   * get_lr): most schedulers compute it from the groups' current lrs.
   */
  protected abstract getLr(): number[];

  /** The lr of each group at step `lastEpoch` from the base lrs (torch's _get_closed_form_lr), where PyTorch has one. */
  protected closedFormLr?(): number[];

  /**
   * Advances one step and sets every group's lr.
   * @throws RangeError when the optimiser's group count changed since construction.
   * @example optimizer.step(); scheduler.step();
   */
  step(): void {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.step`, arguments, 0);
    this.stepAt(undefined);
  }

  /**
   * torch's step(epoch): with an epoch (only SequentialLR passes one, 0 at a milestone) the
   * step count is set to it and the closed form is used where there is one.
   * @internal
   */
  stepAt(epoch: number | undefined): void {
    const where = `${this.where}.step`;
    groupLrs(where, this.optimizer, this.baseLrs.length);
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The lr of each group as this scheduler last set it, as torch's get_last_lr().
   * @example console.log(scheduler.getLastLr()[0]);
   */
  getLastLr(): number[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.getLastLr`, arguments, 0);
    return this.lastLrs.slice();
  }

  /** The options by their state-dict names. */
  protected options(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(this.specs.map((s) => [s.key, s.save ? s.save(self[s.prop]) : copy(self[s.prop])]));
  }

  /**
   * `{ ...options, base_lrs, last_epoch, _step_count, _last_lr }` (and each scheduler's own
   * fields), as torch's state_dict (its `__dict__` without the optimizer; `verbose` is left out).
   * @example const sd = scheduler.stateDict();
   */
  stateDict(): SchedulerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    return { ...this.options(), base_lrs: this.baseLrs.slice(), last_epoch: this.lastEpoch, _step_count: this.stepCount, _last_lr: this.lastLrs.slice() };
  }

  /**
   * Restores a state dict from `stateDict()`; the optimiser's lrs are not touched (restore
   * the optimiser's own state dict for those, as the next step starts from them), as in PyTorch.
   * @param sd a state dict from `stateDict()`
   * @throws TypeError for a malformed state dict; RangeError for a different group count or a bad value.
   * @example scheduler.loadStateDict(saved.scheduler);
   */
  loadStateDict(sd: SchedulerStateDict): void {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.loadStateDict`, arguments, 1);
    const where = `${this.where}.loadStateDict`;
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) throw typeError(where, 'a state dict', 'stateDict', sd);
    const n = this.optimizer.paramGroups.length;
    const baseLrs = checkNumbers(where, 'base_lrs', sd['base_lrs'], n);
    const values = this.specs.map((s) => (s.load ?? s.check)(where, s.key, sd[s.key]));
    const lastEpoch = checkInt(where, 'last_epoch', sd['last_epoch'], -1);
    const stepCount = checkInt(where, '_step_count', sd['_step_count'] ?? lastEpoch + 1, 0);
    const lastLrs = sd['_last_lr'] === undefined ? this.optimizer.paramGroups.map((g) => g.lr) : checkNumbers(where, '_last_lr', sd['_last_lr'], n);
    this.loadOwn(where, sd);
    this.specs.forEach((s, i) => this.setOption(s, values[i]));
    this.baseLrs = baseLrs;
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    this.lastLrs = lastLrs;
  }

  /** Checks and restores a subclass's own state-dict fields (called before anything is set). */
  protected loadOwn(_where: string, _sd: SchedulerStateDict): void {}
}

/** @internal A deep copy of arrays and plain objects (options and state-dict values). */
export function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) as T;
  return v;
}
