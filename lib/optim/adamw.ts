// torch.optim.AdamW: Adam with decoupled weight decay, sharing Adam's fused update.
import { Optimizer, Params } from './optimizer';
import { AdamOptions, adamDefaults, adamUpdate, checkAdam } from './adam';
import { expectArity } from '../options';

/**
 * AdamW (Loshchilov & Hutter 2019), as torch.optim.AdamW: Adam whose weight decay is
 * DECOUPLED from the gradient: p *= 1 - lr * weightDecay before the Adam update (which then
 * sees the raw gradient). The one difference from Adam, whose decay is g += weightDecay * p.
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad).
 * @param params tensors (`model.parameters()`) or groups `{ params, ...overrides }`;
 *   `optim.paramGroupsWithDecay(model, wd)` exempts biases and norm weights from decay
 * @param opts `{ lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false }`
 * @throws RangeError for a negative lr, eps or weightDecay, or betas outside [0, 1).
 * @example const opt = new optim.AdamW(optim.paramGroupsWithDecay(model, 0.1), { lr: 6e-4, betas: [0.9, 0.95] });
 */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, opts?: Partial<AdamOptions>) {
    expectArity('AdamW', arguments, 1, true);
    super(params, adamDefaults('AdamW', opts, 1e-2), checkAdam);
  }

  /** One update of every parameter with a gradient (those without are skipped). */
  override step(closure?: () => unknown): unknown {
    return adamUpdate(this, true, closure);
  }
}
