// The 1cycle policy (Smith & Topin 2017, "Super-Convergence"), after
// torch.optim.lr_scheduler.OneCycleLR (1.13): the lr rises from maxLr / divFactor to maxLr,
// then falls to maxLr / divFactor / finalDivFactor, while the momentum (SGD's momentum, or
// Adam's betas[0]) moves the other way between maxMomentum and baseMomentum.
import { Optimizer } from '../optimizer';
import { checkBoolean, checkChoice, checkInRange, checkInt, checkNumber, rangeError, typeError } from '../../errors';
import { camelName } from '../../naming';
import { LRScheduler, OptionSpec, SchedulerStateDict } from './base';
import { expectArity } from '../../options';

interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

const positive = (where: string, name: string, v: unknown) => {
  const x = checkNumber(where, name, v);
  if (x <= 0) throw rangeError(where, 'a positive number', name, x);
  return x;
};

/** A number for every group, or an array of one per group (torch's _format_param). */
function perGroup(where: string, name: string, v: unknown, n: number, check: (where: string, name: string, v: unknown) => number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== n) throw rangeError(where, `${n} values (one per parameter group)`, name, v.length);
    return v.map((x, i) => check(where, `${name}[${i}]`, x));
  }
  return new Array(n).fill(check(where, name, v));
}

function phases(totalSteps: number, pctStart: number, threePhase: boolean): Phase[] {
  const up = { end_step: pctStart * totalSteps - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' };
  if (threePhase) {
    return [
      up,
      { end_step: 2 * pctStart * totalSteps - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
      { end_step: totalSteps - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
    ];
  }
  return [up, { end_step: totalSteps - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' }];
}

const ONE_CYCLE_OPTIONS = ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'];
const NO_SPECS: readonly OptionSpec[] = [];

/** The options of OneCycleLR. */
export interface OneCycleLROptions {
  /** The peak lr: one for every group, or one per group. */
  maxLr: number | number[];
  /** The steps in the cycle; else epochs * stepsPerEpoch. */
  totalSteps?: number;
  /** With stepsPerEpoch, gives totalSteps when it is not given. */
  epochs?: number;
  /** With epochs, gives totalSteps when it is not given. */
  stepsPerEpoch?: number;
  /** The fraction of the cycle spent raising the lr [0.3]. */
  pctStart?: number;
  /** `'cos'` [default] or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle SGD's momentum or Adam's betas[0] inversely to the lr [true]. */
  cycleMomentum?: boolean;
  /** The momentum at the peak lr [0.85]: one value, or one per group. */
  baseMomentum?: number | number[];
  /** The momentum at the start and end [0.95]: one value, or one per group. */
  maxMomentum?: number | number[];
  /** initial lr = maxLr / divFactor [25]. */
  divFactor?: number;
  /** final lr = initial lr / finalDivFactor [1e4]. */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, then down to the final lr) as the paper, instead of fastai's two [false]. */
  threePhase?: boolean;
}

/**
 * The 1cycle learning-rate policy (Smith & Topin 2017, "Super-Convergence"), as
 * torch.optim.lr_scheduler.OneCycleLR: step it after every batch. In each phase the lr (and
 * the momentum, inversely) anneals from its start to its end value,
 * cos: end + (start - end) / 2 * (1 + cos(pi * pct)), linear: start + (end - start) * pct,
 * pct the fraction of the phase done. The first phase ends at step pctStart * totalSteps - 1.
 * Construction sets each group's `initialLr` (maxLr / divFactor), `maxLr`, `minLr`
 * (initialLr / finalDivFactor) and, when cycling momentum, `maxMomentum`, `baseMomentum` and
 * the momentum (PyTorch's group keys initial_lr, max_lr, min_lr, max_momentum, base_momentum).
 * Not chainable, as PyTorch's. Its state dict saves the annealing as `anneal_func: 'cos' | 'linear'`
 * (PyTorch 1.13 pickles the method under that key).
 * @param optimizer the optimiser to schedule (an SGD or an Adam/AdamW when cycling momentum)
 * @param opts `{ maxLr, totalSteps?, epochs?, stepsPerEpoch?, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false }`
 * @throws TypeError for a non-Optimizer, a missing maxLr, neither totalSteps nor epochs and stepsPerEpoch, a wrong type or an unknown option; RangeError for a negative lr, counts below 1, pctStart outside [0, 1], a pctStart * totalSteps of 1 (a phase of no steps), or cycleMomentum with an optimiser without momentum; `step()` past totalSteps is a RangeError.
 * @example const sched = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps: epochs * loader.length });
 */
export class OneCycleLR extends LRScheduler {
  /** The steps in the cycle. */
  totalSteps: number;
  /** `'cos'` or `'linear'`. */
  annealStrategy: 'cos' | 'linear';
  /** Whether the momentum cycles. */
  cycleMomentum: boolean;
  /** Whether the momentum is Adam's betas[0] (else SGD's momentum). */
  useBeta1: boolean;
  private schedulePhases: Phase[];

  constructor(optimizer: Optimizer, opts: OneCycleLROptions) {
    expectArity('OneCycleLR', arguments, 1, true);
    super(optimizer);
    const where = 'OneCycleLR';
    const o = this.init(where, NO_SPECS, opts, ONE_CYCLE_OPTIONS);
    const groups = optimizer.paramGroups;
    const n = groups.length;
    let totalSteps: number;
    if (o['totalSteps'] !== undefined) {
      totalSteps = checkInt(where, 'totalSteps', o['totalSteps'], 1);
    } else if (o['epochs'] === undefined && o['stepsPerEpoch'] === undefined) {
      throw typeError(where, 'totalSteps, or epochs and stepsPerEpoch', 'totalSteps', undefined);
    } else {
      totalSteps = checkInt(where, 'epochs', o['epochs'], 1) * checkInt(where, 'stepsPerEpoch', o['stepsPerEpoch'], 1);
    }
    const pctStart = checkInRange(where, 'pctStart', o['pctStart'] ?? 0.3, 0, 1);
    // torch divides by the first phase's length at step 0: zero steps is a ZeroDivisionError there.
    if (pctStart * totalSteps - 1 === 0) throw rangeError(where, `pctStart * totalSteps other than 1 (a first phase of no steps; totalSteps ${totalSteps})`, 'pctStart', pctStart);
    const annealStrategy = checkChoice(where, 'annealStrategy', o['annealStrategy'] ?? 'cos', ['cos', 'linear'] as const);
    const threePhase = checkBoolean(where, 'threePhase', o['threePhase'] ?? false);
    const cycleMomentum = checkBoolean(where, 'cycleMomentum', o['cycleMomentum'] ?? true);
    const maxLrs = perGroup(where, 'maxLr', o['maxLr'], n, positive);
    const divFactor = positive(where, 'divFactor', o['divFactor'] ?? 25);
    const finalDivFactor = positive(where, 'finalDivFactor', o['finalDivFactor'] ?? 1e4);
    const defaults = optimizer.defaults as unknown as Record<string, unknown>;
    const useBeta1 = 'betas' in defaults;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (cycleMomentum) {
      if (!useBeta1 && !('momentum' in defaults)) {
        throw rangeError(where, 'an optimizer with momentum or betas (SGD, Adam, AdamW) when cycleMomentum is true', 'optimizer', optimizer);
      }
      const inUnit = (w: string, name: string, v: unknown) => checkInRange(w, name, v, 0, 1, { hiOpen: useBeta1 });
      maxMomentums = perGroup(where, 'maxMomentum', o['maxMomentum'] ?? 0.95, n, inUnit);
      baseMomentums = perGroup(where, 'baseMomentum', o['baseMomentum'] ?? 0.85, n, inUnit);
    }
    // Everything is checked: now the groups change.
    this.totalSteps = totalSteps;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.schedulePhases = phases(totalSteps, pctStart, threePhase);
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / divFactor;
      g['maxLr'] = maxLrs[i];
      g['minLr'] = g.initialLr / finalDivFactor;
      if (cycleMomentum) {
        if (useBeta1) g['betas'] = [maxMomentums[i], (g['betas'] as number[])[1]];
        else g['momentum'] = maxMomentums[i];
        g['maxMomentum'] = maxMomentums[i];
        g['baseMomentum'] = baseMomentums[i];
      }
    });
    this.start();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'cos') return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  /** @internal Checks the step count before taking the step, so that a step too many changes nothing. */
  override stepAt(epoch: number | undefined): void {
    const next = epoch ?? this.lastEpoch + 1;
    if (next > this.totalSteps) {
      // torch: "Tried to step {} times. The specified number of total steps is {}".
      throw rangeError(`${this.where}.step`, `at most ${this.totalSteps} steps after construction`, 'totalSteps', next);
    }
    super.stepAt(epoch);
  }

  protected override getLr(): number[] {
    const step = this.lastEpoch;
    const last = this.schedulePhases.length - 1;
    return this.optimizer.paramGroups.map((g) => {
      const read = (key: string) => (key === 'initial_lr' ? (g.initialLr as number) : (g[camelName(key)] as number));
      let start = 0;
      for (let i = 0; i <= last; i++) {
        const phase = this.schedulePhases[i];
        const end = phase.end_step;
        if (step <= end || i === last) {
          const pct = (step - start) / (end - start);
          if (!Number.isFinite(pct)) throw rangeError(`${this.where}.step`, `phases of at least one step (phase ${i} ends where it starts, at step ${end})`, 'pctStart', this.schedulePhases[0].end_step);
          const lr = this.anneal(read(phase.start_lr), read(phase.end_lr), pct);
          if (this.cycleMomentum) {
            const m = this.anneal(read(phase.start_momentum), read(phase.end_momentum), pct);
            if (this.useBeta1) g['betas'] = [m, (g['betas'] as number[])[1]];
            else g['momentum'] = m;
          }
          return lr;
        }
        start = end;
      }
      /* istanbul ignore next: the last phase always matches */
      return g.lr;
    });
  }

  /**
   * As the base's, plus PyTorch's `total_steps`, `_schedule_phases`, `anneal_func`
   * (`'cos'` or `'linear'`), `cycle_momentum` and `use_beta1`.
   * @example const sd = scheduler.stateDict();
   */
  override stateDict(): SchedulerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    return {
      total_steps: this.totalSteps,
      _schedule_phases: this.schedulePhases.map((p) => ({ ...p })),
      anneal_func: this.annealStrategy,
      cycle_momentum: this.cycleMomentum,
      // torch sets use_beta1 only when it cycles the momentum
      ...(this.cycleMomentum ? { use_beta1: this.useBeta1 } : {}),
      ...super.stateDict(),
    };
  }

  protected override loadOwn(where: string, sd: SchedulerStateDict): void {
    const totalSteps = checkInt(where, 'total_steps', sd['total_steps'], 1);
    const anneal = checkChoice(where, 'anneal_func', sd['anneal_func'], ['cos', 'linear'] as const);
    const cycle = checkBoolean(where, 'cycle_momentum', sd['cycle_momentum']);
    const useBeta1 = cycle ? checkBoolean(where, 'use_beta1', sd['use_beta1']) : this.useBeta1;
    if (cycle) {
      // The momentum it cycles must be this optimiser's, set up by a construction that cycled it.
      const hasBetas = 'betas' in (this.optimizer.defaults as object);
      if (useBeta1 !== hasBetas) throw rangeError(where, `${hasBetas} (this optimizer ${hasBetas ? 'has betas' : 'has no betas'})`, 'use_beta1', useBeta1);
      this.optimizer.paramGroups.forEach((g, i) => {
        if (typeof g['maxMomentum'] !== 'number' || typeof g['baseMomentum'] !== 'number') {
          throw rangeError(where, `false for an optimizer whose groups have no maxMomentum/baseMomentum (paramGroups[${i}])`, 'cycle_momentum', cycle);
        }
      });
    }
    const raw = sd['_schedule_phases'];
    if (!Array.isArray(raw) || raw.length < 1) throw typeError(where, 'an array of phases', '_schedule_phases', raw);
    const keys = ['initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum'];
    const ph = raw.map((p, i) => {
      const name = `_schedule_phases[${i}]`;
      if (p === null || typeof p !== 'object') throw typeError(where, 'a phase object', name, p);
      const q = p as Record<string, unknown>;
      checkNumber(where, `${name}.end_step`, q['end_step']);
      for (const k of ['start_lr', 'end_lr', 'start_momentum', 'end_momentum']) checkChoice(where, `${name}.${k}`, q[k], keys);
      return { ...q } as unknown as Phase;
    });
    this.totalSteps = totalSteps;
    this.annealStrategy = anneal;
    this.cycleMomentum = cycle;
    this.useBeta1 = useBeta1;
    this.schedulePhases = ph;
  }
}
