// Cosine annealing (Loshchilov & Hutter 2017, SGDR), after torch.optim.lr_scheduler's
// CosineAnnealingLR (recursive, chainable form) and CosineAnnealingWarmRestarts (closed form
// in the steps since the last restart), as in PyTorch 1.13.
import { Optimizer } from '../optimizer';
import { checkInt, checkNumber } from '../../errors';
import { LRScheduler, OptionSpec, SchedulerStateDict, positiveInt } from './base';
import { expectArity } from '../../options';

const COSINE_ANNEALING_LR: readonly OptionSpec[] = [
  { prop: 'tMax', key: 'T_max', check: positiveInt },
  { prop: 'etaMin', key: 'eta_min', check: checkNumber, default: 0 },
];

/**
 * Cosine annealing (Loshchilov & Hutter 2017, SGDR, without restarts), as
 * torch.optim.lr_scheduler.CosineAnnealingLR, in PyTorch's recursive form
 * lr_t = etaMin + (lr_{t-1} - etaMin) * (1 + cos(pi t / tMax)) / (1 + cos(pi (t-1) / tMax)),
 * which follows an lr changed by hand; left alone it is
 * lr_t = etaMin + (base_lr - etaMin) * (1 + cos(pi * t / tMax)) / 2.
 * Past tMax the cosine continues (rising again), as PyTorch's.
 * @param optimizer the optimiser to schedule
 * @param opts `{ tMax, etaMin = 0 }`: tMax a positive integer
 * @throws TypeError for a non-Optimizer, a missing tMax or an unknown option; RangeError for a tMax below 1 or a non-finite etaMin.
 * @example const sched = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The half period, in steps (PyTorch's T_max). */
  declare tMax: number;
  /** The lowest lr (PyTorch's eta_min). */
  declare etaMin: number;

  constructor(optimizer: Optimizer, opts: { tMax: number; etaMin?: number }) {
    expectArity('CosineAnnealingLR', arguments, 1, true);
    super(optimizer);
    this.init('CosineAnnealingLR', COSINE_ANNEALING_LR, opts);
    this.start();
  }

  protected override getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    // Python's % takes the divisor's sign: the trough at t - 1 = (2k + 1) tMax.
    const r = (t - 1 - tMax) % (2 * tMax);
    if (r === 0) return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    return groups.map((g) => ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}

const WARM_RESTARTS: readonly OptionSpec[] = [
  { prop: 't0', key: 'T_0', check: positiveInt },
  { prop: 'tMult', key: 'T_mult', check: positiveInt, default: 1 },
  { prop: 'etaMin', key: 'eta_min', check: checkNumber, default: 0 },
];

/**
 * Cosine annealing with warm restarts (Loshchilov & Hutter 2017, SGDR), as
 * torch.optim.lr_scheduler.CosineAnnealingWarmRestarts:
 * lr_t = etaMin + (base_lr - etaMin) * (1 + cos(pi * T_cur / T_i)) / 2, where T_cur counts the
 * steps since the last restart and T_i, the length of the current cycle, starts at t0 and is
 * multiplied by tMult at each restart. As PyTorch's, it sets the lr from the base lrs (not
 * chainable). State-dict keys `T_0`, `T_i`, `T_mult`, `eta_min`, `T_cur`.
 * @param optimizer the optimiser to schedule
 * @param opts `{ t0, tMult = 1, etaMin = 0 }`: t0 (PyTorch's T_0) and tMult positive integers
 * @throws TypeError for a non-Optimizer, a missing t0 or an unknown option; RangeError for t0 or tMult below 1, a non-integer, or a non-finite etaMin.
 * @example const sched = new optim.lrScheduler.CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 });
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** The length of the first cycle, in steps (PyTorch's T_0). */
  declare t0: number;
  /** The factor by which each cycle is longer than the one before (PyTorch's T_mult). */
  declare tMult: number;
  /** The lowest lr (PyTorch's eta_min). */
  declare etaMin: number;
  /** The length of the current cycle (PyTorch's T_i). */
  declare tI: number;
  /** The steps since the last restart (PyTorch's T_cur). */
  declare tCur: number;

  constructor(optimizer: Optimizer, opts: { t0: number; tMult?: number; etaMin?: number }) {
    expectArity('CosineAnnealingWarmRestarts', arguments, 1, true);
    super(optimizer);
    this.init('CosineAnnealingWarmRestarts', WARM_RESTARTS, opts);
    this.tI = this.t0;
    this.tCur = this.lastEpoch;
    this.start();
  }

  protected override getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /** @internal torch's own step(epoch): it moves T_cur and T_i, and leaves _step_count alone. */
  override stepAt(epoch: number | undefined): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else if (epoch >= this.t0) {
      if (this.tMult === 1) {
        this.tCur = epoch % this.t0;
      } else {
        const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** n;
      }
    } else {
      this.tI = this.t0;
      this.tCur = epoch;
    }
    this.lastEpoch = Math.floor(epoch);
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * As the base's, plus `T_i` and `T_cur`.
   * @example const sd = scheduler.stateDict();
   */
  override stateDict(): SchedulerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    const { T_0, T_mult, eta_min, ...rest } = super.stateDict();
    return { T_0, T_i: this.tI, T_mult, eta_min, T_cur: this.tCur, ...rest };
  }

  protected override loadOwn(where: string, sd: SchedulerStateDict): void {
    const tI = checkInt(where, 'T_i', sd['T_i'], 1);
    const tCur = checkNumber(where, 'T_cur', sd['T_cur']);
    this.tI = tI;
    this.tCur = tCur;
  }
}
