// torch.optim.NAdam: one fused native update per parameter (native/kernels/optim.h); the
// momentum schedule, a float32 scalar of the state as in torch, is advanced here.
import { Tensor } from '../tensor';
import { native } from '../native';
import { Optimizer, Params, gradOf, runClosure } from './optimizer';
import { optimizerOptions, scalar, zerosLike } from './checks';
import { checkBetas, checkNonNegative } from '../errors';
import { expectArity } from '../options';

/** NAdam's options (torch's names in camelCase). */
export interface NAdamOptions {
  /** Scale of the update (2e-3). */
  lr: number;
  /** Decays of the first and second moments, each in [0, 1) ([0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** The momentum schedule's decay, psi in mu_t = b1 (1 - 0.5 * 0.96^(t psi)) (4e-3). */
  momentumDecay: number;
}

function checkNadam(where: string, o: NAdamOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  checkNonNegative(where, `${prefix}eps`, o.eps);
  checkBetas(where, `${prefix}betas`, o.betas);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
  checkNonNegative(where, `${prefix}momentumDecay`, o.momentumDecay);
}

/**
 * NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), as torch.optim.NAdam:
 *   g = grad + weightDecay * p;  mu_t = b1 (1 - 0.5 * 0.96^(t momentumDecay));  P_t = P_{t-1} mu_t;
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  denom = sqrt(v / (1 - b2^t)) + eps;
 *   p -= lr (1 - mu_t) / (1 - P_t) * g / denom + lr mu_{t+1} / (1 - P_t mu_{t+1}) * m / denom.
 * State per parameter: `step`, `mu_product` (P, a scalar), `exp_avg` (m), `exp_avg_sq` (v).
 * torch 1.13's NAdam has no `maximize`: the option is refused as unknown.
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr = 2e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, momentumDecay = 4e-3, foreach }` (foreach is accepted and ignored)
 * @throws TypeError for an unknown option; RangeError for a negative lr, eps, weightDecay or momentumDecay, or betas outside [0, 1).
 * @example const opt = new optim.NAdam(model.parameters(), { lr: 2e-3 });
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, opts?: Partial<NAdamOptions> & { foreach?: boolean | null }) {
    expectArity('NAdam', arguments, 1, true);
    const o = optimizerOptions('NAdam', opts, ['lr', 'betas', 'eps', 'weightDecay', 'momentumDecay', 'foreach']);
    super(params, { lr: o.lr ?? 2e-3, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0, momentumDecay: o.momentumDecay ?? 4e-3 }, checkNadam);
  }

  /** `mu_product` is a scalar; the moments have the parameter's shape. */
  protected override stateShape(name: string, param: Tensor): readonly number[] | null {
    return name === 'mu_product' ? [] : param.shape;
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example
   * const w = new kiln.nn.Parameter(kiln.tensor([1, 2]));
   * const opt = new kiln.optim.NAdam([w], { lr: 0.1 });
   * opt.zeroGrad(); w.sum().backward(); opt.step(); // w: [0.89505, 1.89505] (torch 1.13 gives the same)
   */
  override step(closure?: () => unknown): unknown {
    const where = 'NAdam.step';
    const loss = runClosure(where, closure);
    const f = Math.fround;
    this.paramGroups.forEach((g, gi) => {
      this.checkGroup(g, gi);
      const [beta1, beta2] = g.betas;
      for (const p of g.params) {
        const grad = gradOf(where, p);
        if (grad === null) continue;
        const st = this.state.get(p) ?? {};
        st.step ??= scalar(0);
        st.mu_product ??= scalar(1);
        st.exp_avg ??= zerosLike(p);
        st.exp_avg_sq ??= zerosLike(p);
        this.state.set(p, st);
        const stepArr = st.step.data;
        stepArr[0] += 1;
        const step = stepArr[0];
        const mu = beta1 * (1 - 0.5 * 0.96 ** (step * g.momentumDecay));
        const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * g.momentumDecay));
        // mu_product is a float32 tensor in torch: each product rounds to float32 (the
        // Python scalar is rounded first).
        const prod = st.mu_product.data;
        prod[0] = f(prod[0] * f(mu));
        const prodNext = f(f(prod[0] * f(mu)) * f(muNext));
        const gradCoef = (-g.lr * (1 - mu)) / (1 - prod[0]);
        const avgCoef = (-g.lr * muNext) / (1 - prodNext);
        native.nadamStep(p.data, st.exp_avg.data, st.exp_avg_sq.data, grad, beta1, beta2, g.eps, g.weightDecay, 1 - beta2 ** step, gradCoef, avgCoef);
      }
    });
    return loss;
  }
}
