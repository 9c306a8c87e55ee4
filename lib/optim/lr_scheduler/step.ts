// Step decays, after torch.optim.lr_scheduler.StepLR, MultiStepLR and ExponentialLR (1.13):
// each multiplies the groups' current lrs by gamma at its steps (chainable), so an lr set by
// hand or by another scheduler is decayed from where it is.
import { Optimizer } from '../optimizer';
import { checkInt, checkNumber, typeError } from '../../errors';
import { LRScheduler, OptionSpec, positiveInt } from './base';
import { expectArity } from '../../options';

const STEP_LR: readonly OptionSpec[] = [
  { prop: 'stepSize', key: 'step_size', check: positiveInt },
  { prop: 'gamma', key: 'gamma', check: checkNumber, default: 0.1 },
];

/**
 * Multiplies the lr by gamma every stepSize steps, as torch.optim.lr_scheduler.StepLR:
 * lr_t = lr_{t-1} * gamma when t is a positive multiple of stepSize, else lr_{t-1}
 * (= base_lr * gamma^floor(t / stepSize) when nothing else changes the lr).
 * @param optimizer the optimiser to schedule
 * @param opts `{ stepSize, gamma = 0.1 }`: stepSize a positive integer
 * @throws TypeError for a non-Optimizer, a missing stepSize or an unknown option; RangeError for a stepSize below 1 or a non-finite gamma.
 * @example const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  /** The period of the decay, in steps. */
  declare stepSize: number;
  /** The factor applied every stepSize steps. */
  declare gamma: number;

  constructor(optimizer: Optimizer, opts: { stepSize: number; gamma?: number }) {
    expectArity('StepLR', arguments, 1, true);
    super(optimizer);
    this.init('StepLR', STEP_LR, opts);
    this.start();
  }

  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

function checkMilestones(where: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw typeError(where, 'an array of integers', name, v);
  v.forEach((m, i) => checkInt(where, `${name}[${i}]`, m));
  return (v as number[]).slice().sort((a, b) => a - b);
}

/** PyTorch keeps milestones as a Counter ({ milestone: count }); its saved form. */
function milestoneCounter(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of v as number[]) out[m] = (out[m] ?? 0) + 1;
  return out;
}

/** Reads milestones back from a Counter's form ({ "30": 1, "80": 1 }) or an array. */
function loadMilestones(where: string, name: string, v: unknown): number[] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const list: number[] = [];
    for (const [k, n] of Object.entries(v)) {
      const m = checkInt(where, `${name} key`, Number(k));
      for (let i = checkInt(where, `${name}[${k}]`, n); i > 0; i--) list.push(m);
    }
    return list.sort((a, b) => a - b);
  }
  return checkMilestones(where, name, v);
}

const MULTI_STEP_LR: readonly OptionSpec[] = [
  { prop: 'milestones', key: 'milestones', check: checkMilestones, load: loadMilestones, save: milestoneCounter },
  { prop: 'gamma', key: 'gamma', check: checkNumber, default: 0.1 },
];

/**
 * Multiplies the lr by gamma at each milestone step, as torch.optim.lr_scheduler.MultiStepLR
 * (a milestone listed k times multiplies by gamma^k): lr_t = lr_{t-1} * gamma^count(t)
 * (= base_lr * gamma^(milestones <= t) when nothing else changes the lr). The state dict
 * keeps milestones as PyTorch's Counter does, `{ "30": 1, "80": 1 }`.
 * @param optimizer the optimiser to schedule
 * @param opts `{ milestones, gamma = 0.1 }`: milestones an array of non-negative integers (step indices)
 * @throws TypeError for a non-Optimizer, milestones not an array of numbers, or an unknown option; RangeError for a negative or non-integer milestone or a non-finite gamma.
 * @example const sched = new optim.lrScheduler.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** The milestone steps, sorted (repeats kept). */
  declare milestones: number[];
  /** The factor applied at each milestone. */
  declare gamma: number;

  constructor(optimizer: Optimizer, opts: { milestones: number[]; gamma?: number }) {
    expectArity('MultiStepLR', arguments, 1, true);
    super(optimizer);
    this.init('MultiStepLR', MULTI_STEP_LR, opts);
    this.start();
  }

  protected override getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    const groups = this.optimizer.paramGroups;
    if (count === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length; // bisect_right
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

const EXPONENTIAL_LR: readonly OptionSpec[] = [{ prop: 'gamma', key: 'gamma', check: checkNumber }];

/**
 * Multiplies the lr by gamma every step, as torch.optim.lr_scheduler.ExponentialLR:
 * lr_t = lr_{t-1} * gamma (= base_lr * gamma^t when nothing else changes the lr).
 * @param optimizer the optimiser to schedule
 * @param opts `{ gamma }`: required
 * @throws TypeError for a non-Optimizer, a missing gamma or an unknown option; RangeError for a non-finite gamma.
 * @example const sched = new optim.lrScheduler.ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  /** The factor applied every step. */
  declare gamma: number;

  constructor(optimizer: Optimizer, opts: { gamma: number }) {
    expectArity('ExponentialLR', arguments, 1, true);
    super(optimizer);
    this.init('ExponentialLR', EXPONENTIAL_LR, opts);
    this.start();
  }

  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}
