// Loss modules: torch.nn's loss classes over nn.functional's losses.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { Buffer } from './parameter';
import * as F from './functional/loss';
import type { Reduction, Targets } from './functional/loss';
import { checkChoice, checkInRange, checkOptions } from '../errors';
import { expectArity } from '../options';

function reductionOf(where: string, v: unknown): Reduction {
  return checkChoice(where, 'reduction', v ?? 'mean', F.REDUCTIONS);
}

/**
 * Cross-entropy between (N, C) logits and class indices, with optional label smoothing
 * (Szegedy et al. 2016): loss = (1 - eps) * (-log p_target) + eps * mean_c(-log p_c).
 * See `nn.functional.crossEntropy`.
 * @param opts `{ labelSmoothing = 0, reduction = 'mean' }`
 * @throws RangeError for labelSmoothing outside [0, 1] or a reduction other than 'mean', 'sum' or 'none'.
 * @example const lossFn = new nn.CrossEntropyLoss(); const loss = lossFn.forward(logits, [1, 0, 4]);
 */
export class CrossEntropyLoss extends Module {
  readonly labelSmoothing: number;
  readonly reduction: Reduction;

  constructor(opts: { labelSmoothing?: number; reduction?: Reduction } = {}) {
    super();
    expectArity('CrossEntropyLoss', arguments, 0, true);
    const o = checkOptions('CrossEntropyLoss', opts, ['labelSmoothing', 'reduction']);
    this.labelSmoothing = checkInRange('CrossEntropyLoss', 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
    this.reduction = reductionOf('CrossEntropyLoss', o.reduction);
  }

  override forward(input: Tensor, target: Targets): Tensor {
    return F.crossEntropyAt('CrossEntropyLoss.forward', input, target, { labelSmoothing: this.labelSmoothing, reduction: this.reduction });
  }
}

/**
 * Mean squared error (x - y)^2. See `nn.functional.mseLoss`.
 * @param opts `{ reduction = 'mean' }`
 * @throws RangeError for a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.MSELoss().forward(pred, y);
 */
export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    expectArity('MSELoss', arguments, 0, true);
    this.reduction = reductionOf('MSELoss', checkOptions('MSELoss', opts, ['reduction']).reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLossAt('MSELoss.forward', input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error |x - y|. See `nn.functional.l1Loss`.
 * @param opts `{ reduction = 'mean' }`
 * @throws RangeError for a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.L1Loss({ reduction: 'sum' }).forward(pred, y);
 */
export class L1Loss extends Module {
  readonly reduction: Reduction;

  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    expectArity('L1Loss', arguments, 0, true);
    this.reduction = reductionOf('L1Loss', checkOptions('L1Loss', opts, ['reduction']).reduction);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1LossAt('L1Loss.forward', input, target, { reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits in the stable form max(x, 0) - x*y + log(1 + exp(-|x|)).
 * posWeight is a buffer (state-dict key `pos_weight`), as in PyTorch.
 * See `nn.functional.binaryCrossEntropyWithLogits`.
 * @param opts `{ reduction = 'mean', posWeight? }`
 * @throws TypeError for a posWeight that is not a Tensor; RangeError for a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.BCEWithLogitsLoss({ posWeight: tensor([2]) }).forward(logits, y);
 */
export class BCEWithLogitsLoss extends Module {
  readonly reduction: Reduction;
  posWeight: Buffer | null;

  constructor(opts: { reduction?: Reduction; posWeight?: Tensor | null } = {}) {
    super();
    expectArity('BCEWithLogitsLoss', arguments, 0, true);
    const o = checkOptions('BCEWithLogitsLoss', opts, ['reduction', 'posWeight']);
    this.reduction = reductionOf('BCEWithLogitsLoss', o.reduction);
    const pw = o.posWeight ?? null;
    this.posWeight = pw === null ? null : new Buffer(checkTensor('BCEWithLogitsLoss', 'posWeight', pw));
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogitsAt('BCEWithLogitsLoss.forward', input, target, { reduction: this.reduction, posWeight: this.posWeight });
  }
}
