// torch.optim.AdamW: Adam with decoupled weight decay, sharing Adam's fused update.
import { Optimizer, Params } from './optimizer';
import { AdamOptions, adamDefaults, adamUpdate, checkAdam } from './adam';
import { expectArity } from '../options';

/**
 * AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: Adam whose weight decay is
 * DECOUPLED from the gradient: p *= 1 - lr * weightDecay before the Adam update (which then
 * sees the raw gradient). The one difference from Adam, whose decay is g += weightDecay * p:
 *   p *= 1 - lr * weightDecay;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`;
 *   `optim.paramGroupsWithDecay(model, wd)` exempts biases and norm weights from decay
 * @param opts `{ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false }`
 * @throws {TypeError} for options that are not an object or an option of the wrong type
 *   (betas not an array of two numbers).
 * @throws {RangeError} for a negative or non-finite lr, eps or weightDecay, or betas outside [0, 1).
 * @example const opt = new kiln.optim.AdamW(kiln.optim.paramGroupsWithDecay(model, 0.1), { lr: 6e-4, betas: [0.9, 0.95] });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, opts?: Partial<AdamOptions>) {
    expectArity('AdamW', arguments, 1, true);
    super(params, adamDefaults('AdamW', opts, 1e-2), checkAdam);
  }

  /**
   * One update of every parameter with a gradient (those without are skipped).
   * @param closure [none] re-evaluates the model and returns the loss, which step returns
   * @throws {TypeError} when closure is not a function, or a group's option was changed to a wrong type.
   * @throws {RangeError} when an option was changed to an invalid value, or a gradient's
   *   shape differs from its parameter's.
   * @example opt.zeroGrad(); loss.backward(); opt.step();
   */
  override step(closure?: () => unknown): unknown {
    if (arguments.length > 1) expectArity('AdamW.step', arguments, 1);
    return adamUpdate(this, true, closure);
  }
}
