// Reduce the lr when a metric stops improving, after torch.optim.lr_scheduler.ReduceLROnPlateau (1.13).
import { Optimizer } from '../optimizer';
import { Tensor } from '../../tensor';
import { checkChoice, checkInRange, checkInt, checkNonNegative, checkOptions, rangeError, typeError } from '../../errors';
import { SchedulerStateDict, checkNumbers, groupLrs } from './base';
import { expectArity } from '../../options';

const PLATEAU_OPTIONS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'];

/** The options of ReduceLROnPlateau. */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (the default): reduce when the metric stops falling; `'max'`: when it stops rising. */
  mode?: 'min' | 'max';
  /** new lr = lr * factor [0.1], in [0, 1). */
  factor?: number;
  /** The steps without improvement tolerated before reducing [10]. */
  patience?: number;
  /** How much better the metric must be to count as an improvement [1e-4]. */
  threshold?: number;
  /** `'rel'` (the default): better than best * (1 ∓ threshold); `'abs'`: than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** The steps after a reduction during which bad steps are not counted [0]. */
  cooldown?: number;
  /** The lowest lr: one for every group, or one per group [0]. */
  minLr?: number | number[];
  /** A reduction smaller than eps is skipped [1e-8]. */
  eps?: number;
}

/**
 * Reduces the lr by `factor` when a metric has not improved for more than `patience` steps,
 * as torch.optim.lr_scheduler.ReduceLROnPlateau: `step(metric)` once per epoch, with the
 * validation loss say. A metric is an improvement when it is below best * (1 - threshold)
 * (mode 'min', thresholdMode 'rel'), below best - threshold ('abs'), or above
 * best * (1 + threshold) / best + threshold in mode 'max'. After a reduction, `cooldown` steps
 * pass without counting bad steps. An lr is never reduced below its minLr, nor by less than eps.
 * State-dict keys as PyTorch's (factor, min_lrs, patience, cooldown, cooldown_counter, mode,
 * threshold, threshold_mode, best, num_bad_epochs, mode_worse, eps, last_epoch, _last_lr).
 * The Trainer steps it with the epoch's validation loss (the training loss without validation).
 * @param optimizer the optimiser to schedule
 * @param opts `{ mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 }`
 * @throws TypeError for a non-Optimizer, a wrong type or an unknown option; RangeError for a factor outside [0, 1), a negative patience, cooldown, threshold, minLr or eps, a minLr array whose length is not the group count, or an unknown mode.
 * @example
 * const sched = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 5 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(validate()); }
 */
export class ReduceLROnPlateau {
  /** The optimiser whose groups' lrs this scheduler reduces. */
  readonly optimizer: Optimizer;
  /** `'min'` or `'max'`. */
  mode: 'min' | 'max';
  /** The factor of a reduction. */
  factor: number;
  /** The steps without improvement tolerated before reducing. */
  patience: number;
  /** The improvement threshold. */
  threshold: number;
  /** `'rel'` or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** The steps after a reduction during which bad steps are not counted. */
  cooldown: number;
  /** The lowest lr of each group. */
  minLrs: number[];
  /** The smallest reduction made. */
  eps: number;
  /** The best metric so far (Infinity, or -Infinity in mode 'max', before the first step). */
  best: number;
  /** The steps since the last improvement (PyTorch's num_bad_epochs). */
  numBadEpochs = 0;
  /** The cooldown steps left. */
  cooldownCounter = 0;
  /** The steps taken (PyTorch's last_epoch). */
  lastEpoch = 0;
  private lastLrs: number[];

  constructor(optimizer: Optimizer, opts: ReduceLROnPlateauOptions = {}) {
    expectArity('ReduceLROnPlateau', arguments, 1, true);
    const where = 'ReduceLROnPlateau';
    if (!(optimizer instanceof Optimizer)) throw typeError(where, 'an Optimizer', 'optimizer', optimizer);
    const o = checkOptions(where, opts as Record<string, unknown> | undefined, PLATEAU_OPTIONS);
    this.optimizer = optimizer;
    const n = optimizer.paramGroups.length;
    this.mode = checkChoice(where, 'mode', o['mode'] ?? 'min', ['min', 'max'] as const);
    // torch: "Factor should be < 1.0."
    this.factor = checkInRange(where, 'factor', o['factor'] ?? 0.1, 0, 1, { hiOpen: true });
    this.patience = checkInt(where, 'patience', o['patience'] ?? 10);
    this.threshold = checkNonNegative(where, 'threshold', o['threshold'] ?? 1e-4);
    this.thresholdMode = checkChoice(where, 'thresholdMode', o['thresholdMode'] ?? 'rel', ['rel', 'abs'] as const);
    this.cooldown = checkInt(where, 'cooldown', o['cooldown'] ?? 0);
    const minLr = o['minLr'] ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n) throw rangeError(where, `${n} values (one per parameter group)`, 'minLr', minLr.length);
      this.minLrs = minLr.map((v, i) => checkNonNegative(where, `minLr[${i}]`, v));
    } else {
      this.minLrs = new Array(n).fill(checkNonNegative(where, 'minLr', minLr));
    }
    this.eps = checkNonNegative(where, 'eps', o['eps'] ?? 1e-8);
    this.best = this.modeWorse;
    this.lastLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The worst value for the mode: Infinity ('min') or -Infinity ('max'). */
  get modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether a reduction's cooldown is running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /**
   * Whether metric `a` improves on `best` by the threshold (torch's is_better).
   * @param a the metric
   * @param best the best metric so far
   * @example sched.isBetter(0.5, 0.6); // true in mode 'min'
   */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /**
   * Takes one step with the epoch's metric: counts a bad step when it does not improve on the
   * best, and reduces the lrs after more than `patience` of them. NaN never improves.
   * @param metric the monitored value: a number, or a Tensor of one element (a loss)
   * @throws TypeError for a metric that is not a number or a one-element Tensor; RangeError when the optimiser's group count changed.
   * @example sched.step(valLoss);
   */
  step(metric: number | Tensor): void {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.step`, arguments, 1);
    const where = 'ReduceLROnPlateau.step';
    let current: number;
    if (typeof metric === 'number') current = metric;
    else if (metric instanceof Tensor && metric.numel === 1) current = metric.item();
    else throw typeError(where, 'a number or a one-element Tensor', 'metric', metric);
    groupLrs(where, this.optimizer, this.minLrs.length);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // ignore any bad epochs in cooldown
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr;
      const lr = Math.max(old * this.factor, this.minLrs[i]);
      if (old - lr > this.eps) g.lr = lr;
    });
  }

  /**
   * The lr of each group after the last step (at construction: the groups' lrs then).
   * @example console.log(sched.getLastLr());
   */
  getLastLr(): number[] {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.getLastLr`, arguments, 0);
    return this.lastLrs.slice();
  }

  /**
   * PyTorch's state dict: `{ factor, min_lrs, patience, cooldown, cooldown_counter, mode,
   * threshold, threshold_mode, best, num_bad_epochs, mode_worse, eps, last_epoch, _last_lr }`
   * (best and mode_worse may be ±Infinity, which JSON writes as null: loadStateDict reads null
   * as the mode's worst value).
   * @example const sd = sched.stateDict();
   */
  stateDict(): SchedulerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    return {
      factor: this.factor,
      min_lrs: this.minLrs.slice(),
      patience: this.patience,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
      _last_lr: this.lastLrs.slice(),
    };
  }

  /**
   * Restores a state dict from `stateDict()` (the optimiser's lrs are not touched).
   * @param sd a state dict from `stateDict()`
   * @throws TypeError for a malformed state dict; RangeError for a bad value or a different group count.
   * @example sched.loadStateDict(saved);
   */
  loadStateDict(sd: SchedulerStateDict): void {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.loadStateDict`, arguments, 1);
    const where = 'ReduceLROnPlateau.loadStateDict';
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) throw typeError(where, 'a state dict', 'stateDict', sd);
    const n = this.optimizer.paramGroups.length;
    const mode = checkChoice(where, 'mode', sd['mode'], ['min', 'max'] as const);
    const factor = checkInRange(where, 'factor', sd['factor'], 0, 1, { hiOpen: true });
    const minLrs = checkNumbers(where, 'min_lrs', sd['min_lrs'], n);
    minLrs.forEach((v, i) => checkNonNegative(where, `min_lrs[${i}]`, v));
    const patience = checkInt(where, 'patience', sd['patience']);
    const cooldown = checkInt(where, 'cooldown', sd['cooldown']);
    const cooldownCounter = checkInt(where, 'cooldown_counter', sd['cooldown_counter']);
    const threshold = checkNonNegative(where, 'threshold', sd['threshold']);
    const thresholdMode = checkChoice(where, 'threshold_mode', sd['threshold_mode'], ['rel', 'abs'] as const);
    const rawBest = sd['best'];
    if (rawBest !== null && typeof rawBest !== 'number') throw typeError(where, 'a number (or null)', 'best', rawBest);
    const numBad = checkInt(where, 'num_bad_epochs', sd['num_bad_epochs']);
    const eps = checkNonNegative(where, 'eps', sd['eps']);
    const lastEpoch = checkInt(where, 'last_epoch', sd['last_epoch']);
    const lastLrs = sd['_last_lr'] === undefined ? this.optimizer.paramGroups.map((g) => g.lr) : checkNumbers(where, '_last_lr', sd['_last_lr'], n);
    if (typeof rawBest === 'number' && Number.isNaN(rawBest)) throw rangeError(where, 'a number other than NaN', 'best', rawBest);
    Object.assign(this, { mode, factor, minLrs, patience, cooldown, cooldownCounter, threshold, thresholdMode, numBadEpochs: numBad, eps, lastEpoch, lastLrs });
    this.best = rawBest === null ? this.modeWorse : (rawBest as number);
  }
}
