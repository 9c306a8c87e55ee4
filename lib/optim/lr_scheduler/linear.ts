// Linear warm-up or decay, after torch.optim.lr_scheduler.LinearLR (1.13), chainable form.
import { Optimizer } from '../optimizer';
import { checkInRange } from '../../errors';
import { LRScheduler, OptionSpec, positiveInt } from './base';
import { expectArity } from '../../options';

const LINEAR_LR: readonly OptionSpec[] = [
  // torch: "Starting multiplicative factor expected to be between 0 and 1" (and 0 would
  // divide by zero in its chained form, so it is excluded there as here).
  { prop: 'startFactor', key: 'start_factor', check: (where, name, v) => checkInRange(where, name, v, 0, 1, { loOpen: true }), default: 1 / 3 },
  { prop: 'endFactor', key: 'end_factor', check: (where, name, v) => checkInRange(where, name, v, 0, 1), default: 1 },
  { prop: 'totalIters', key: 'total_iters', check: positiveInt, default: 5 },
];

/**
 * Scales the lr linearly from startFactor to endFactor over totalIters steps, then holds it,
 * as torch.optim.lr_scheduler.LinearLR (the usual warm-up), in PyTorch's chainable form
 * lr_t = lr_{t-1} * (1 + (e - s) / (totalIters * s + (t - 1) * (e - s))) for 0 < t <= totalIters
 * (lr_0 = lr * s), which left alone is
 * lr_t = base_lr * (s + (e - s) * min(t, totalIters) / totalIters).
 * @param optimizer the optimiser to schedule
 * @param opts `{ startFactor = 1/3, endFactor = 1, totalIters = 5 }`: factors in [0, 1] (startFactor above 0), totalIters a positive integer
 * @throws TypeError for a non-Optimizer or an unknown option; RangeError for factors outside those ranges or totalIters below 1.
 * @example const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 100 });
 */
export class LinearLR extends LRScheduler {
  /** The factor at step 0. */
  declare startFactor: number;
  /** The factor from step totalIters on. */
  declare endFactor: number;
  /** The steps the factor takes to go from startFactor to endFactor. */
  declare totalIters: number;

  constructor(optimizer: Optimizer, opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    expectArity('LinearLR', arguments, 1, true);
    super(optimizer);
    this.init('LinearLR', LINEAR_LR, opts);
    this.start();
  }

  protected override getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr * s);
    if (t > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(n, t)) / n));
  }
}
