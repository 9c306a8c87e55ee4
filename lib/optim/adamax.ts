// torch.optim.Adamax: one fused native update per parameter (native/kernels/optim.h).
import { native } from '../native';
import { checkBoolean } from '../errors';
import { Optimizer, Params, gradOf, runClosure } from './optimizer';
import { optimizerOptions, scalar, zerosLike } from './checks';
import { checkBetas, checkNonNegative } from '../errors';
import { expectArity } from '../options';

/** Adamax's options (torch's names in camelCase). */
export interface AdamaxOptions {
  /** Scale of the update (2e-3). */
  lr: number;
  /** Decays of the first moment and of the infinity norm, each in [0, 1) ([0.9, 0.999]). */
  betas: [number, number];
  /** Added to |g| inside the infinity norm (1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** Ascend the objective instead (false). */
  maximize: boolean;
}

function checkAdamax(where: string, o: AdamaxOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  checkNonNegative(where, `${prefix}eps`, o.eps);
  checkBetas(where, `${prefix}betas`, o.betas);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
  checkBoolean(where, `${prefix}maximize`, o.maximize);
}

/**
 * Adamax (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", section 7): Adam with
 * the infinity norm in place of the second moment, as torch.optim.Adamax:
 *   g = grad + weightDecay * p (negated first with maximize);  m = b1 m + (1 - b1) g;
 *   u = max(b2 u, |g| + eps);  p -= lr / (1 - b1^t) * m / u.
 * State per parameter: `step`, `exp_avg` (m), `exp_inf` (u).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr = 2e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, maximize = false, foreach }` (foreach is accepted and ignored)
 * @throws TypeError for an unknown option; RangeError for a negative lr, eps or weightDecay, or betas outside [0, 1).
 * @example const opt = new optim.Adamax(model.parameters(), { lr: 2e-3 });
 */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, opts?: Partial<AdamaxOptions> & { foreach?: boolean | null }) {
    expectArity('Adamax', arguments, 1, true);
    const o = optimizerOptions('Adamax', opts, ['lr', 'betas', 'eps', 'weightDecay', 'maximize', 'foreach']);
    super(params, { lr: o.lr ?? 2e-3, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0, maximize: o.maximize ?? false }, checkAdamax);
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example
   * const w = new kiln.nn.Parameter(kiln.tensor([1, 2]));
   * const opt = new kiln.optim.Adamax([w], { lr: 0.1 });
   * opt.zeroGrad(); w.sum().backward(); opt.step(); // w: [0.9, 1.9]
   */
  override step(closure?: () => unknown): unknown {
    const where = 'Adamax.step';
    const loss = runClosure(where, closure);
    this.paramGroups.forEach((g, gi) => {
      this.checkGroup(g, gi);
      const [beta1, beta2] = g.betas;
      for (const p of g.params) {
        const grad = gradOf(where, p);
        if (grad === null) continue;
        const st = this.state.get(p) ?? {};
        st.step ??= scalar(0);
        st.exp_avg ??= zerosLike(p);
        st.exp_inf ??= zerosLike(p);
        this.state.set(p, st);
        const step = st.step.data;
        step[0] += 1;
        native.adamaxStep(p.data, st.exp_avg.data, st.exp_inf.data, grad, step[0], g.lr, beta1, beta2, g.eps, g.weightDecay, g.maximize);
      }
    });
    return loss;
  }
}
