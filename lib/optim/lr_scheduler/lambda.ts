// A user-given factor, after torch.optim.lr_scheduler.LambdaLR (1.13).
import { Optimizer } from '../optimizer';
import { typeError, rangeError } from '../../errors';
import { LRScheduler, SchedulerStateDict, copy } from './base';
import { expectArity } from '../../options';

/** The factor of the base lr at step t (epoch), for LambdaLR. */
export type LrLambda = (epoch: number) => number;

/**
 * Sets each group's lr to its base lr times a function of the step, as
 * torch.optim.lr_scheduler.LambdaLR: lr_t = base_lr * lrLambda(t). One function for every
 * group, or an array of one per group. As PyTorch's, the state dict saves a function's own
 * properties (PyTorch: a callable object's `__dict__`) and `null` for a plain function; the
 * functions themselves are not saved.
 * @param optimizer the optimiser to schedule
 * @param opts `{ lrLambda }`: a function of the step, or an array of one per parameter group
 * @throws TypeError for a non-Optimizer, an lrLambda that is not a function (or an array of them), or an unknown option; RangeError for an array whose length is not the group count.
 * @example const warmup = new optim.lrScheduler.LambdaLR(opt, { lrLambda: (t) => Math.min(1, (t + 1) / 10) });
 */
export class LambdaLR extends LRScheduler {
  /** The function of each group. */
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, opts: { lrLambda: LrLambda | LrLambda[] }) {
    expectArity('LambdaLR', arguments, 1, true);
    super(optimizer);
    const where = 'LambdaLR';
    const o = this.init(where, [], opts, ['lrLambda']);
    const fn = o['lrLambda'];
    const n = optimizer.paramGroups.length;
    if (Array.isArray(fn)) {
      if (fn.length !== n) throw rangeError(where, `${n} functions (one per parameter group)`, 'lrLambda', fn.length);
      fn.forEach((f, i) => {
        if (typeof f !== 'function') throw typeError(where, 'a function', `lrLambda[${i}]`, f);
      });
      this.lrLambdas = fn.slice();
    } else {
      if (typeof fn !== 'function') throw typeError(where, 'a function (or an array of one per parameter group)', 'lrLambda', fn);
      this.lrLambdas = new Array(n).fill(fn);
    }
    this.start();
  }

  protected override getLr(): number[] {
    return this.baseLrs.map((b, i) => {
      const f = this.lrLambdas[i](this.lastEpoch);
      if (typeof f !== 'number') throw typeError(`${this.where}.step`, 'a number from lrLambda', `lrLambda(${this.lastEpoch})`, f);
      return b * f;
    });
  }

  /**
   * As the base's, plus `lr_lambdas`: each function's own properties, or null when it has none.
   * @example const sd = scheduler.stateDict();
   */
  override stateDict(): SchedulerStateDict {
    if (arguments.length > 0) expectArity(`${this.constructor.name}.stateDict`, arguments, 0);
    const lrLambdas = this.lrLambdas.map((f) => (Object.keys(f).length ? copy({ ...f }) : null));
    return { ...super.stateDict(), lr_lambdas: lrLambdas };
  }

  protected override loadOwn(where: string, sd: SchedulerStateDict): void {
    const saved = sd['lr_lambdas'];
    if (saved === undefined) return;
    if (!Array.isArray(saved) || saved.length !== this.lrLambdas.length) throw typeError(where, `an array of ${this.lrLambdas.length} entries (null or an object)`, 'lr_lambdas', saved);
    saved.forEach((s, i) => {
      if (s !== null && (typeof s !== 'object' || Array.isArray(s))) throw typeError(where, 'null or an object', `lr_lambdas[${i}]`, s);
    });
    saved.forEach((s, i) => {
      if (s) Object.assign(this.lrLambdas[i], copy(s));
    });
  }
}
