// Schedulers of schedulers, after torch.optim.lr_scheduler.SequentialLR and ChainedScheduler (1.13).
import { Optimizer } from '../optimizer';
import { checkInt, rangeError, typeError } from '../../errors';
import { LRScheduler, SchedulerStateDict, copy } from './base';
import { expectArity } from '../../options';

/** A list of plain schedulers over one optimiser (not SequentialLR or ChainedScheduler, whose step takes no epoch). */
function checkSchedulers(where: string, v: unknown, optimizer: Optimizer | null): LRScheduler[] {
  if (!Array.isArray(v) || v.length === 0) throw typeError(where, 'a non-empty array of schedulers', 'schedulers', v);
  const opt = optimizer ?? (v[0] instanceof LRScheduler ? v[0].optimizer : null);
  v.forEach((s, i) => {
    if (!(s instanceof LRScheduler) || s instanceof SequentialLR || s instanceof ChainedScheduler) {
      throw typeError(where, 'a scheduler such as StepLR (not ReduceLROnPlateau, SequentialLR or ChainedScheduler)', `schedulers[${i}]`, s);
    }
    // torch: "Sequential Schedulers expects all schedulers to belong to the same optimizer".
    if (s.optimizer !== opt) throw rangeError(where, `a scheduler of the ${optimizer ? "optimizer passed in" : "same optimizer as schedulers[0]"}`, `schedulers[${i}]`, s);
  });
  return v.slice();
}

/** The sub-schedulers' state dicts, checked and restored (all or nothing). */
function loadSchedulers(where: string, schedulers: LRScheduler[], saved: unknown): void {
  if (!Array.isArray(saved) || saved.length !== schedulers.length) throw typeError(where, `an array of ${schedulers.length} state dicts`, '_schedulers', saved);
  const before = schedulers.map((s) => s.stateDict());
  try {
    schedulers.forEach((s, i) => s.loadStateDict(saved[i] as SchedulerStateDict));
  } catch (e) {
    schedulers.forEach((s, i) => s.loadStateDict(before[i]));
    throw e;
  }
}

/**
 * Runs schedulers one after another, switching at the milestone steps, as
 * torch.optim.lr_scheduler.SequentialLR: warm-up then decay. At construction the lrs go back
 * to the groups' initialLr and only the first scheduler takes step 0; at a milestone the next
 * scheduler restarts from step 0 in its closed form (from the base lrs), as PyTorch's.
 * State dict: `{ _schedulers: [each one's], _milestones, last_epoch, _last_lr }`.
 * @param optimizer the optimiser all the schedulers belong to
 * @param opts `{ schedulers, milestones }`: milestones ascending step indices, one fewer than schedulers
 * @throws TypeError for a non-Optimizer, schedulers that are not plain schedulers, or an unknown option; RangeError for a scheduler of another optimiser or a milestone count not one fewer than the schedulers.
 * @example
 * const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new optim.lrScheduler.SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  /** The schedulers, in order. */
  readonly schedulers: LRScheduler[];
  /** The steps at which the next scheduler takes over. */
  milestones: number[];

  constructor(optimizer: Optimizer, opts: { schedulers: LRScheduler[]; milestones: number[] }) {
    expectArity('SequentialLR', arguments, 1, true);
    super(optimizer);
    const where = 'SequentialLR';
    const o = this.init(where, [], opts, ['schedulers', 'milestones']);
    const schedulers = checkSchedulers(where, o['schedulers'], optimizer);
    const ms = o['milestones'];
    if (!Array.isArray(ms)) throw typeError(where, 'an array of integers', 'milestones', ms);
    ms.forEach((m, i) => checkInt(where, `milestones[${i}]`, m));
    if (ms.length !== schedulers.length - 1) {
      throw rangeError(where, `${schedulers.length - 1} milestones (one fewer than the ${schedulers.length} schedulers)`, 'milestones', ms);
    }
    this.schedulers = schedulers;
    this.milestones = ms.slice();
    this.lastEpoch = 0;
    const groups = optimizer.paramGroups;
    this.baseLrs = groups.map((g) => (g.initialLr ??= g.lr));
    // Reset the lrs to their initial values and undo the step the schedulers took.
    for (const g of groups) g.lr = g.initialLr as number;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0]['initialStep']();
    this.lastLrs = schedulers[0].getLastLr();
  }

  protected override getLr(): number[] {
    return this.lastLrs.slice();
  }

  /** @internal torch's SequentialLR.step takes no epoch. */
  override stepAt(_epoch: number | undefined): void {
    this.lastEpoch += 1;
    let idx = 0; // bisect_right(milestones, lastEpoch)
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.stepAt(0);
    else s.stepAt(undefined);
    this.lastLrs = s.getLastLr();
  }

  /**
   * `{ _milestones, last_epoch, _last_lr, _schedulers }`, as torch's.
   * @example const sd = sched.stateDict();
   */
  override stateDict(): SchedulerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    return { _milestones: this.milestones.slice(), last_epoch: this.lastEpoch, _last_lr: this.lastLrs.slice(), _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /**
   * Restores a state dict from `stateDict()`, the schedulers' too.
   * @param sd a state dict from `stateDict()`
   * @throws TypeError for a malformed state dict; RangeError for a bad value.
   * @example sched.loadStateDict(saved);
   */
  override loadStateDict(sd: SchedulerStateDict): void {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.loadStateDict`, arguments, 1);
    const where = 'SequentialLR.loadStateDict';
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) throw typeError(where, 'a state dict', 'stateDict', sd);
    const ms = sd['_milestones'];
    if (!Array.isArray(ms) || ms.length !== this.milestones.length) throw typeError(where, `an array of ${this.milestones.length} integers`, '_milestones', ms);
    ms.forEach((m, i) => checkInt(where, `_milestones[${i}]`, m));
    const lastEpoch = checkInt(where, 'last_epoch', sd['last_epoch']);
    const last = sd['_last_lr'];
    if (last !== undefined && (!Array.isArray(last) || !last.every((x) => typeof x === 'number'))) throw typeError(where, 'an array of numbers', '_last_lr', last);
    loadSchedulers(where, this.schedulers, sd['_schedulers']);
    this.milestones = ms.slice();
    this.lastEpoch = lastEpoch;
    this.lastLrs = last === undefined ? this.optimizer.paramGroups.map((g) => g.lr) : copy(last as number[]);
  }
}

/**
 * Steps several schedulers of one optimiser together, each multiplying the lr the one before
 * set, as torch.optim.lr_scheduler.ChainedScheduler (for chainable schedulers: StepLR,
 * MultiStepLR, ExponentialLR, LinearLR, CosineAnnealingLR). The schedulers have taken their
 * step 0 already; this takes none. State dict: `{ _schedulers: [each one's], _last_lr }`.
 * @param schedulers the schedulers, all of one optimiser
 * @throws TypeError for schedulers that are not plain schedulers; RangeError for schedulers of different optimisers.
 * @example const sched = new optim.lrScheduler.ChainedScheduler([new optim.lrScheduler.ExponentialLR(opt, { gamma: 0.9 }), new optim.lrScheduler.StepLR(opt, { stepSize: 10 })]);
 */
export class ChainedScheduler extends LRScheduler {
  /** The schedulers, stepped in order. */
  readonly schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[]) {
    expectArity('ChainedScheduler', arguments, 1, false);
    super(checkSchedulers('ChainedScheduler', schedulers, null)[0].optimizer);
    this.where = 'ChainedScheduler';
    this.schedulers = schedulers.slice();
    this.baseLrs = this.optimizer.paramGroups.map((g) => (g.initialLr ?? g.lr) as number);
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  protected override getLr(): number[] {
    return this.lastLrs.slice();
  }

  /** @internal */
  override stepAt(_epoch: number | undefined): void {
    for (const s of this.schedulers) s.step();
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * `{ _last_lr, _schedulers }`, as torch's.
   * @example const sd = sched.stateDict();
   */
  override stateDict(): SchedulerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    return { _last_lr: this.lastLrs.slice(), _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /**
   * Restores a state dict from `stateDict()`, the schedulers' too.
   * @param sd a state dict from `stateDict()`
   * @throws TypeError for a malformed state dict; RangeError for a bad value.
   * @example sched.loadStateDict(saved);
   */
  override loadStateDict(sd: SchedulerStateDict): void {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.loadStateDict`, arguments, 1);
    const where = 'ChainedScheduler.loadStateDict';
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) throw typeError(where, 'a state dict', 'stateDict', sd);
    const last = sd['_last_lr'];
    if (last !== undefined && (!Array.isArray(last) || !last.every((x) => typeof x === 'number'))) throw typeError(where, 'an array of numbers', '_last_lr', last);
    loadSchedulers(where, this.schedulers, sd['_schedulers']);
    this.lastLrs = last === undefined ? this.optimizer.paramGroups.map((g) => g.lr) : copy(last as number[]);
  }
}
