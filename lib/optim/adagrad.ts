// torch.optim.Adagrad: one fused native update per parameter (native/kernels/optim.h).
import { Tensor } from '../tensor';
import { native } from '../native';
import { checkBoolean } from '../errors';
import { Optimizer, Params, ParamState, gradOf, runClosure } from './optimizer';
import { optimizerOptions, scalar } from './checks';
import { checkNonNegative } from '../errors';
import { expectArity } from '../options';

/** Adagrad's options (torch's names in camelCase). */
export interface AdagradOptions {
  /** Scale of the update (1e-2). */
  lr: number;
  /** The step size is lr / (1 + (step - 1) * lrDecay) (0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** The value the sum of squares starts from (0). */
  initialAccumulatorValue: number;
  /** Added to the square root (1e-10). */
  eps: number;
  /** Ascend the objective instead (false). */
  maximize: boolean;
}

function checkAdagrad(where: string, o: AdagradOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  checkNonNegative(where, `${prefix}lrDecay`, o.lrDecay);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
  checkNonNegative(where, `${prefix}initialAccumulatorValue`, o.initialAccumulatorValue);
  checkNonNegative(where, `${prefix}eps`, o.eps);
  checkBoolean(where, `${prefix}maximize`, o.maximize);
}

/**
 * Adagrad (Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization"), as torch.optim.Adagrad:
 *   g = grad + weightDecay * p (negated first with maximize);  clr = lr / (1 + (step - 1) lrDecay);
 *   s += g^2;  p -= clr * g / (sqrt(s) + eps).
 * State per parameter, created by the constructor as torch's: `step` and `sum` (s, filled with
 * initialAccumulatorValue).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10, maximize = false, foreach }` (foreach is accepted and ignored)
 * @throws TypeError for an unknown option; RangeError for a negative lr, lrDecay, weightDecay, initialAccumulatorValue or eps.
 * @example const opt = new optim.Adagrad(model.parameters(), { lr: 0.1, lrDecay: 1e-4 });
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, opts?: Partial<AdagradOptions> & { foreach?: boolean | null }) {
    expectArity('Adagrad', arguments, 1, true);
    const o = optimizerOptions('Adagrad', opts, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize', 'foreach']);
    super(
      params,
      { lr: o.lr ?? 1e-2, lrDecay: o.lrDecay ?? 0, weightDecay: o.weightDecay ?? 0, initialAccumulatorValue: o.initialAccumulatorValue ?? 0, eps: o.eps ?? 1e-10, maximize: o.maximize ?? false },
      checkAdagrad,
    );
    for (const g of this.paramGroups) for (const p of g.params) this.state.set(p, this.initState(p, g.initialAccumulatorValue));
  }

  private initState(p: Tensor, init: number, st: ParamState = {}): ParamState {
    st.step ??= scalar(0);
    st.sum ??= new Tensor(new Float32Array(p.numel).fill(init), p.shape.slice());
    return st;
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example
   * const w = new kiln.nn.Parameter(kiln.tensor([1, 2]));
   * const opt = new kiln.optim.Adagrad([w], { lr: 0.1 });
   * opt.zeroGrad(); w.sum().backward(); opt.step(); // w: [0.9, 1.9]
   */
  override step(closure?: () => unknown): unknown {
    const where = 'Adagrad.step';
    const loss = runClosure(where, closure);
    this.paramGroups.forEach((g, gi) => {
      this.checkGroup(g, gi);
      for (const p of g.params) {
        const grad = gradOf(where, p);
        if (grad === null) continue;
        // A group added later by addParamGroup gets its state at its first step.
        const st = this.initState(p, g.initialAccumulatorValue, this.state.get(p));
        this.state.set(p, st);
        const step = st.step!.data;
        step[0] += 1;
        native.adagradStep(p.data, st.sum!.data, grad, step[0], g.lr, g.lrDecay, g.eps, g.weightDecay, g.maximize);
      }
    });
    return loss;
  }
}
