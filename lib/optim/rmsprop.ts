// torch.optim.RMSprop: one fused native update per parameter (native/kernels/optim.h).
import { native } from '../native';
import { checkBoolean } from '../errors';
import { Optimizer, Params, gradOf, runClosure } from './optimizer';
import { optimizerOptions, scalar, zerosLike } from './checks';
import { checkNonNegative } from '../errors';
import { expectArity } from '../options';

/** RMSprop's options (torch's names in camelCase). */
export interface RMSpropOptions {
  /** Scale of the update (1e-2). */
  lr: number;
  /** Decay of the running averages (0.99). */
  alpha: number;
  /** Added to the square root (1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** Momentum of the update (0: none). */
  momentum: number;
  /** Normalise by the estimated variance (v - a^2) instead of the second moment (false). */
  centered: boolean;
  /** Ascend the objective instead (false). */
  maximize: boolean;
}

function checkRmsprop(where: string, o: RMSpropOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  checkNonNegative(where, `${prefix}alpha`, o.alpha);
  checkNonNegative(where, `${prefix}eps`, o.eps);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
  checkNonNegative(where, `${prefix}momentum`, o.momentum);
  checkBoolean(where, `${prefix}centered`, o.centered);
  checkBoolean(where, `${prefix}maximize`, o.maximize);
}

/**
 * RMSprop (Hinton, Coursera "Neural Networks for Machine Learning" lecture 6.5; the centred
 * form as Graves 2013, "Generating Sequences With Recurrent Neural Networks"), as
 * torch.optim.RMSprop:
 *   g = grad + weightDecay * p (negated first with maximize);  v = alpha v + (1 - alpha) g^2;
 *   centered: a = alpha a + (1 - alpha) g, avg = sqrt(v - a^2) + eps;  else avg = sqrt(v) + eps;
 *   momentum > 0: b = momentum b + g / avg, p -= lr * b;  else p -= lr * g / avg.
 * State per parameter: `step`, `square_avg` (v), `momentum_buffer` (b, with momentum > 0),
 * `grad_avg` (a, when centered).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false, maximize = false, foreach, differentiable = false }` (foreach is accepted and ignored; differentiable must be false)
 * @throws TypeError for an unknown option; RangeError for a negative lr, alpha, eps, weightDecay or momentum, or differentiable true.
 * @example const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, opts?: Partial<RMSpropOptions> & { foreach?: boolean | null; differentiable?: boolean }) {
    expectArity('RMSprop', arguments, 1, true);
    const o = optimizerOptions('RMSprop', opts, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize', 'foreach', 'differentiable']);
    super(
      params,
      { lr: o.lr ?? 1e-2, alpha: o.alpha ?? 0.99, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0, momentum: o.momentum ?? 0, centered: o.centered ?? false, maximize: o.maximize ?? false },
      checkRmsprop,
    );
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example
   * const w = new kiln.nn.Parameter(kiln.tensor([1, 2]));
   * const opt = new kiln.optim.RMSprop([w], { lr: 0.01 });
   * opt.zeroGrad(); w.sum().backward(); opt.step(); // w: [0.9, 1.9] (a first step of lr / sqrt(1 - alpha) = 10 lr)
   */
  override step(closure?: () => unknown): unknown {
    const where = 'RMSprop.step';
    const loss = runClosure(where, closure);
    this.paramGroups.forEach((g, gi) => {
      this.checkGroup(g, gi);
      for (const p of g.params) {
        const grad = gradOf(where, p);
        if (grad === null) continue;
        const st = this.state.get(p) ?? {};
        st.step ??= scalar(0);
        st.square_avg ??= zerosLike(p);
        // Created when first needed, so that turning momentum or centering on later works.
        if (g.momentum > 0) st.momentum_buffer ??= zerosLike(p);
        if (g.centered) st.grad_avg ??= zerosLike(p);
        this.state.set(p, st);
        st.step.data[0] += 1;
        const buf = g.momentum > 0 ? st.momentum_buffer!.data : null;
        const avg = g.centered ? st.grad_avg!.data : null;
        native.rmspropStep(p.data, st.square_avg.data, avg, buf, grad, g.lr, g.alpha, g.eps, g.weightDecay, g.momentum, g.maximize);
      }
    });
    return loss;
  }
}
