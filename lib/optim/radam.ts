// torch.optim.RAdam: one fused native update per parameter (native/kernels/optim.h).
import { native } from '../native';
import { Optimizer, Params, gradOf, runClosure } from './optimizer';
import { optimizerOptions, scalar, zerosLike } from './checks';
import { checkBetas, checkNonNegative } from '../errors';
import { expectArity } from '../options';

/** RAdam's options (torch's names in camelCase). */
export interface RAdamOptions {
  /** Scale of the update (1e-3). */
  lr: number;
  /** Decays of the first and second moments, each in [0, 1) ([0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
}

function checkRadam(where: string, o: RAdamOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  checkNonNegative(where, `${prefix}eps`, o.eps);
  checkBetas(where, `${prefix}betas`, o.betas);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
}

/**
 * RAdam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), as
 * torch.optim.RAdam: Adam whose adaptive step is switched on, and rectified, once the variance
 * of the second moment is tractable:
 *   g = grad + weightDecay * p;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   rho_inf = 2 / (1 - b2) - 1;  rho_t = rho_inf - 2 t b2^t / (1 - b2^t);
 *   rho_t > 5: r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)),
 *              p -= lr * m / (1 - b1^t) * sqrt(1 - b2^t) / (sqrt(v) + eps) * r;
 *   otherwise  p -= lr * m / (1 - b1^t).
 * State per parameter: `step`, `exp_avg` (m), `exp_avg_sq` (v).
 * torch 1.13's RAdam has no `maximize`: the option is refused as unknown.
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, foreach }` (foreach is accepted and ignored)
 * @throws TypeError for an unknown option; RangeError for a negative lr, eps or weightDecay, or betas outside [0, 1).
 * @example const opt = new optim.RAdam(model.parameters(), { lr: 1e-3 });
 */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, opts?: Partial<RAdamOptions> & { foreach?: boolean | null }) {
    expectArity('RAdam', arguments, 1, true);
    const o = optimizerOptions('RAdam', opts, ['lr', 'betas', 'eps', 'weightDecay', 'foreach']);
    super(params, { lr: o.lr ?? 1e-3, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0 }, checkRadam);
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example
   * const w = new kiln.nn.Parameter(kiln.tensor([1, 2]));
   * const opt = new kiln.optim.RAdam([w], { lr: 0.1 });
   * opt.zeroGrad(); w.sum().backward(); opt.step(); // w: [0.9, 1.9]
   */
  override step(closure?: () => unknown): unknown {
    const where = 'RAdam.step';
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
        st.exp_avg_sq ??= zerosLike(p);
        this.state.set(p, st);
        const step = st.step.data;
        step[0] += 1;
        native.radamStep(p.data, st.exp_avg.data, st.exp_avg_sq.data, grad, step[0], g.lr, beta1, beta2, g.eps, g.weightDecay);
      }
    });
    return loss;
  }
}
