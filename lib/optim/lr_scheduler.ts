// Learning-rate schedulers, after torch.optim.lr_scheduler: each sets every group's lr from
// its closed form in the step count, lr_t = f(base_lr, t), so the sequence does not drift
// with rounding and a scheduler restored from a state dict resumes exactly.
//
// As PyTorch's: construction records each group's `initialLr` (PyTorch's 'initial_lr') as
// the base lr and takes step 0, so the optimiser starts at f(base_lr, 0); call
// `scheduler.step()` after `optimizer.step()`, once per epoch (or per iteration).
import { Optimizer } from './optimizer';
import { checkInRange, checkInt, checkNumber, checkOptions, typeError } from '../errors';
import { expectArity } from '../options';

/**
 * A scheduler's state in PyTorch's layout (`last_epoch`, `base_lrs`, `_last_lr`, its options).
 * @example const sd: kiln.optim.lrScheduler.SchedulerStateDict = sched.stateDict(); sd.last_epoch;
 */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * One option of a scheduler: its property (and constructor option) name, its name in PyTorch's
 * state dict, its check (the same in the constructor and in loadStateDict) and its default
 * (none: required).
 */
interface OptionSpec {
  prop: string;
  key: string;
  check: (where: string, name: string, v: unknown) => number;
  default?: number;
}

const positiveInt = (where: string, name: string, v: unknown) => checkInt(where, name, v, 1);

/**
 * The base of the schedulers: owns the step count, the base learning rates and the options.
 * Subclasses give their options' specs (`configure`) and the closed form `lrAt(baseLr, t)`.
 * Construction records each group's `initialLr` and takes step 0; call `step()` after
 * `optimizer.step()`, once per epoch (or per iteration).
 * @example
 * ```ts
 * const sched = new kiln.optim.lrScheduler.StepLR(opt, { stepSize: 10 }); // an LRScheduler
 * for (let epoch = 0; epoch < 30; epoch++) { train(); sched.step(); }
 * ```
 */
export abstract class LRScheduler {
  /** The optimiser whose groups' lr this scheduler sets. */
  readonly optimizer: Optimizer;
  /** The base lr of each group (its `initialLr`). */
  baseLrs: number[] = [];
  /** The step count t: 0 after construction, +1 per `step()`. */
  lastEpoch = -1;
  /** The lr of each group as last set (PyTorch's `_last_lr`). */
  protected lastLrs: number[] = [];
  /** How many times `step()` ran, construction included (PyTorch's `_step_count`). */
  protected stepCount = 0;
  private where = '';
  private specs: readonly OptionSpec[] = [];

  /**
   * @param optimizer the optimiser to schedule
   * @throws {TypeError} when optimizer is not a kiln Optimizer.
   */
  constructor(optimizer: Optimizer) {
    const where = this.constructor.name;
    if (!(optimizer instanceof Optimizer)) throw typeError(where, 'an Optimizer', 'optimizer', optimizer);
    this.optimizer = optimizer;
  }

  /**
   * Called by each subclass's constructor: checks and sets its options from `opts` (errors name
   * `where` and the option), then starts.
   * @internal
   */
  protected configure(where: string, specs: readonly OptionSpec[], opts: object | undefined): void {
    const o = checkOptions(where, opts as Record<string, unknown> | undefined, specs.map((s) => s.prop));
    this.where = where;
    this.specs = specs;
    for (const s of specs) this.setOption(s, s.check(where, s.prop, o[s.prop] ?? s.default));
    this.start();
  }

  private setOption(s: OptionSpec, v: number): void {
    (this as unknown as Record<string, number>)[s.prop] = v;
  }

  /**
   * Records each group's initialLr (kept if already set, so schedulers can be stacked) as the
   * base lr, and takes step 0.
   */
  private start(): void {
    for (const g of this.optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = this.optimizer.paramGroups.map((g) => g.initialLr as number);
    this.step();
  }

  /** The lr of a group whose base lr is `baseLr`, at step t. */
  protected abstract lrAt(baseLr: number, t: number): number;

  /** The options a subclass adds to its state dict, by PyTorch's names. */
  private options(): Record<string, number> {
    return Object.fromEntries(this.specs.map((s) => [s.key, (this as unknown as Record<string, number>)[s.prop]]));
  }

  /** Sets them back from a state dict. */
  private setOptions(sd: Record<string, unknown>): void {
    const where = `${this.where}.loadStateDict`;
    for (const s of this.specs) this.setOption(s, s.check(where, s.key, sd[s.key]));
  }

  /**
   * Advances one step and sets every group's lr to its closed form at the new step count.
   * @throws {RangeError} when the optimiser's group count changed since construction.
   * @example for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
   */
  step(): void {
    this.stepCount += 1;
    this.lastEpoch += 1;
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.baseLrs.length) {
      throw new RangeError(`${this.constructor.name}.step: expected ${this.baseLrs.length} parameter groups (as when the scheduler was made), got ${groups.length}`);
    }
    groups.forEach((g, i) => {
      g.lr = this.lrAt(this.baseLrs[i], this.lastEpoch);
    });
    this.lastLrs = groups.map((g) => g.lr);
  }

  /**
   * The lr of each group as this scheduler last set it, as torch's get_last_lr().
   * @example const [lr] = sched.getLastLr();
   */
  getLastLr(): number[] {
    return this.lastLrs.slice();
  }

  /**
   * `{ ...options, base_lrs, last_epoch, _step_count, _last_lr }`, as torch's state_dict.
   * @example fs.writeFileSync('sched.json', JSON.stringify(sched.stateDict()));
   */
  stateDict(): SchedulerStateDict {
    return { ...this.options(), base_lrs: this.baseLrs.slice(), last_epoch: this.lastEpoch, _step_count: this.stepCount, _last_lr: this.lastLrs.slice() };
  }

  /**
   * Restores a state dict from `stateDict()`; the optimiser's lrs are not touched (restore
   * the optimiser's own state dict for those), as in PyTorch.
   * @throws {TypeError} for a malformed state dict (base_lrs not an array of numbers, a
   *   missing or wrongly typed option or count).
   * @throws {RangeError} for a different group count, or an option or count out of range.
   * @example sched.loadStateDict(JSON.parse(fs.readFileSync('sched.json', 'utf8')));
   */
  loadStateDict(sd: SchedulerStateDict): void {
    const where = `${this.constructor.name}.loadStateDict`;
    if (sd === null || typeof sd !== 'object') throw typeError(where, 'a state dict', 'stateDict', sd);
    const lrs = sd['base_lrs'];
    if (!Array.isArray(lrs) || !lrs.every((v) => typeof v === 'number')) throw typeError(where, 'an array of numbers', 'base_lrs', lrs);
    if (lrs.length !== this.optimizer.paramGroups.length) {
      throw new RangeError(`${where}: expected ${this.optimizer.paramGroups.length} base_lrs (one per parameter group), got ${lrs.length}`);
    }
    this.setOptions(sd);
    this.baseLrs = lrs.slice();
    this.lastEpoch = checkInt(where, 'last_epoch', sd['last_epoch'], -1);
    this.stepCount = checkInt(where, '_step_count', sd['_step_count'] ?? this.lastEpoch + 1, 0);
    const last = sd['_last_lr'];
    this.lastLrs = Array.isArray(last) ? (last as number[]).slice() : this.baseLrs.map((b) => this.lrAt(b, this.lastEpoch));
  }
}

const STEP_LR: readonly OptionSpec[] = [
  { prop: 'stepSize', key: 'step_size', check: positiveInt },
  { prop: 'gamma', key: 'gamma', check: checkNumber, default: 0.1 },
];

/**
 * Multiplies the lr by gamma every stepSize steps, as torch.optim.lr_scheduler.StepLR:
 * lr_t = base_lr * gamma^floor(t / stepSize).
 * @param opts `{ stepSize, gamma = 0.1 }`: stepSize a positive integer
 * @throws {TypeError} for a non-Optimizer, options that are not an object, or a missing or
 *   non-number stepSize or gamma.
 * @throws {RangeError} for a stepSize that is not an integer >= 1, or a non-finite gamma.
 * @example const sched = new kiln.optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  /** Steps between two decays (set by configure from STEP_LR). */
  declare stepSize: number;
  /** The factor applied at each decay. */
  declare gamma: number;

  constructor(optimizer: Optimizer, opts: { stepSize: number; gamma?: number }) {
    expectArity('StepLR', arguments, 1, true);
    super(optimizer);
    this.configure('StepLR', STEP_LR, opts);
  }

  protected lrAt(baseLr: number, t: number): number {
    return baseLr * this.gamma ** Math.floor(t / this.stepSize);
  }

}

const COSINE_ANNEALING_LR: readonly OptionSpec[] = [
  { prop: 'tMax', key: 'T_max', check: positiveInt },
  { prop: 'etaMin', key: 'eta_min', check: checkNumber, default: 0 },
];

/**
 * Cosine annealing (Loshchilov & Hutter 2017, SGDR, without restarts), as
 * torch.optim.lr_scheduler.CosineAnnealingLR:
 * lr_t = etaMin + (base_lr - etaMin) * (1 + cos(pi * t / tMax)) / 2.
 * Past tMax the cosine continues (rising again), as PyTorch's.
 * @param opts `{ tMax, etaMin = 0 }`: tMax a positive integer
 * @throws {TypeError} for a non-Optimizer, options that are not an object, or a missing or
 *   non-number tMax or etaMin.
 * @throws {RangeError} for a tMax that is not an integer >= 1, or a non-finite etaMin.
 * @example const sched = new kiln.optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Steps of the half cosine period, from base lr down to etaMin (PyTorch's T_max). */
  declare tMax: number;
  /** The lowest lr, reached at step tMax (PyTorch's eta_min). */
  declare etaMin: number;

  constructor(optimizer: Optimizer, opts: { tMax: number; etaMin?: number }) {
    expectArity('CosineAnnealingLR', arguments, 1, true);
    super(optimizer);
    this.configure('CosineAnnealingLR', COSINE_ANNEALING_LR, opts);
  }

  protected lrAt(baseLr: number, t: number): number {
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }

}

const LINEAR_LR: readonly OptionSpec[] = [
  // torch: "Starting multiplicative factor expected to be between 0 and 1" (and 0 would
  // divide by zero in its chained form, so it is excluded there as here).
  { prop: 'startFactor', key: 'start_factor', check: (where, name, v) => checkInRange(where, name, v, 0, 1, { loOpen: true }), default: 1 / 3 },
  { prop: 'endFactor', key: 'end_factor', check: (where, name, v) => checkInRange(where, name, v, 0, 1), default: 1 },
  { prop: 'totalIters', key: 'total_iters', check: positiveInt, default: 5 },
];

/**
 * Scales the lr linearly from startFactor to endFactor over totalIters steps, then holds it,
 * as torch.optim.lr_scheduler.LinearLR (the usual warm-up):
 * lr_t = base_lr * (startFactor + (endFactor - startFactor) * min(t, totalIters) / totalIters).
 * @param opts `{ startFactor = 1/3, endFactor = 1, totalIters = 5 }`: factors in [0, 1] (startFactor above 0), totalIters a positive integer
 * @throws {TypeError} for a non-Optimizer, options that are not an object, or a non-number option.
 * @throws {RangeError} for factors outside those ranges, or totalIters not an integer >= 1.
 * @example const warmup = new kiln.optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 100 });
 */
export class LinearLR extends LRScheduler {
  /** The lr factor at step 0, in (0, 1]. */
  declare startFactor: number;
  /** The lr factor from step totalIters on, in [0, 1]. */
  declare endFactor: number;
  /** Steps over which the factor moves from startFactor to endFactor. */
  declare totalIters: number;

  constructor(optimizer: Optimizer, opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    expectArity('LinearLR', arguments, 1, true);
    super(optimizer);
    this.configure('LinearLR', LINEAR_LR, opts);
  }

  protected lrAt(baseLr: number, t: number): number {
    return baseLr * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(this.totalIters, t)) / this.totalIters);
  }

}
