// torch.optim.Adadelta: one fused native update per parameter (native/kernels/optim.h).
import { native } from '../native';
import { checkBoolean, checkNumber, rangeError } from '../errors';
import { Optimizer, Params, gradOf, runClosure } from './optimizer';
import { optimizerOptions, scalar, zerosLike } from './checks';
import { checkNonNegative } from '../errors';
import { expectArity } from '../options';

/** Adadelta's options (torch's names in camelCase). */
export interface AdadeltaOptions {
  /** Scale of the update (1). */
  lr: number;
  /** Decay of the running averages, in [0, 1] (0.9). */
  rho: number;
  /** Added inside the square roots (1e-6). */
  eps: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** Ascend the objective instead (false). */
  maximize: boolean;
}

function checkAdadelta(where: string, o: AdadeltaOptions, prefix: string): void {
  checkNonNegative(where, `${prefix}lr`, o.lr);
  const rho = checkNumber(where, `${prefix}rho`, o.rho);
  if (rho < 0 || rho > 1) throw rangeError(where, 'a number in [0, 1]', `${prefix}rho`, rho);
  checkNonNegative(where, `${prefix}eps`, o.eps);
  checkNonNegative(where, `${prefix}weightDecay`, o.weightDecay);
  checkBoolean(where, `${prefix}maximize`, o.maximize);
}

/**
 * Adadelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method"), as torch.optim.Adadelta:
 *   g = grad + weightDecay * p (negated first with maximize);  v = rho v + (1 - rho) g^2;
 *   delta = sqrt(u + eps) / sqrt(v + eps) * g;  u = rho u + (1 - rho) delta^2;  p -= lr * delta.
 * State per parameter: `step`, `square_avg` (v), `acc_delta` (u).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`
 * @param opts `{ lr = 1, rho = 0.9, eps = 1e-6, weightDecay = 0, maximize = false, foreach }` (foreach is accepted and ignored)
 * @throws TypeError for an unknown option; RangeError for a negative lr, eps or weightDecay, or rho outside [0, 1].
 * @example const opt = new optim.Adadelta(model.parameters(), { weightDecay: 1e-4 });
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, opts?: Partial<AdadeltaOptions> & { foreach?: boolean | null }) {
    expectArity('Adadelta', arguments, 1, true);
    const o = optimizerOptions('Adadelta', opts, ['lr', 'rho', 'eps', 'weightDecay', 'maximize', 'foreach']);
    super(params, { lr: o.lr ?? 1, rho: o.rho ?? 0.9, eps: o.eps ?? 1e-6, weightDecay: o.weightDecay ?? 0, maximize: o.maximize ?? false }, checkAdadelta);
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example
   * const w = new kiln.nn.Parameter(kiln.tensor([1, 2]));
   * const opt = new kiln.optim.Adadelta([w]);
   * opt.zeroGrad(); w.sum().backward(); opt.step(); // w: [0.99684, 1.99684] (a first step of about sqrt(eps / (1 - rho)))
   */
  override step(closure?: () => unknown): unknown {
    const where = 'Adadelta.step';
    const loss = runClosure(where, closure);
    this.paramGroups.forEach((g, gi) => {
      this.checkGroup(g, gi);
      for (const p of g.params) {
        const grad = gradOf(where, p);
        if (grad === null) continue;
        const st = this.state.get(p) ?? {};
        st.step ??= scalar(0);
        st.square_avg ??= zerosLike(p);
        st.acc_delta ??= zerosLike(p);
        this.state.set(p, st);
        st.step.data[0] += 1;
        native.adadeltaStep(p.data, st.square_avg.data, st.acc_delta.data, grad, g.lr, g.rho, g.eps, g.weightDecay, g.maximize);
      }
    });
    return loss;
  }
}
