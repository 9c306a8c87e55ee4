// Loss modules: torch.nn's loss classes over nn.functional's losses.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { Buffer } from './parameter';
import * as F from './functional/loss';
import type { KLDivReduction, Reduction, Targets } from './functional/loss';
import { checkBoolean, checkChoice, checkInRange, checkInt, checkNumber, checkOptions, rangeError } from '../errors';
import { expectArity } from '../options';

function reductionOf(where: string, v: unknown): Reduction {
  return checkChoice(where, 'reduction', v ?? 'mean', F.REDUCTIONS);
}

/** A weight option as a buffer (PyTorch registers a loss's weight with register_buffer), or null. */
function weightBuffer(where: string, w: unknown, name = 'weight'): Buffer | null {
  return w === undefined || w === null ? null : new Buffer(checkTensor(where, name, w));
}

/**
 * Cross-entropy between logits and class indices, as torch.nn.CrossEntropyLoss: per row,
 * -log softmax(x)[target], with optional label smoothing (Szegedy et al. 2016): with
 * eps = labelSmoothing, loss = (1 - eps) * (-log p_target) + eps * mean_c(-log p_c).
 * It applies log-softmax itself: give it raw logits. With a class weight (a buffer, state-dict
 * key `weight`, as PyTorch's), 'mean' divides by the sum of the targets' weights. Targets equal
 * to ignoreIndex add nothing and are not counted in the mean. See `kiln.nn.functional.crossEntropy`.
 * @param opts `{ labelSmoothing = 0, reduction = 'mean', weight?, ignoreIndex = -100 }`: 'mean'
 *   averages over rows, 'sum' adds them, 'none' returns one loss per row; weight of shape (C).
 * @throws {TypeError} when opts is not an object or names an unknown option, labelSmoothing is
 *   not a number, reduction is not a string, or weight is not a Tensor.
 * @throws {RangeError} when labelSmoothing is outside [0, 1], ignoreIndex is not an integer, or
 *   reduction is a string other than 'mean', 'sum' or 'none'.
 * @example
 * const lossFn = new kiln.nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn.forward(kiln.randn([3, 5]), [1, 0, 4]); // shape []
 */
export class CrossEntropyLoss extends Module {
  /** The share of the target's probability spread evenly over all classes, in [0, 1]. @defaultValue 0 */
  readonly labelSmoothing: number;
  /** How the per-element losses combine: 'mean', 'sum', or 'none' (no reduction). @defaultValue 'mean' */
  readonly reduction: Reduction;
  /** Targets equal to it add nothing and are not counted in the mean. */
  readonly ignoreIndex: number;
  /** The class weights (shape (C)), or null. */
  weight: Buffer | null;

  constructor(opts: { labelSmoothing?: number; reduction?: Reduction; weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super();
    expectArity('CrossEntropyLoss', arguments, 0, true);
    const o = checkOptions('CrossEntropyLoss', opts, ['labelSmoothing', 'reduction', 'weight', 'ignoreIndex']);
    this.labelSmoothing = checkInRange('CrossEntropyLoss', 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
    this.reduction = reductionOf('CrossEntropyLoss', o.reduction);
    this.ignoreIndex = checkInt('CrossEntropyLoss', 'ignoreIndex', o.ignoreIndex ?? F.DEFAULT_IGNORE_INDEX, -Number.MAX_SAFE_INTEGER);
    this.weight = weightBuffer('CrossEntropyLoss', o.weight);
  }

  /**
   * The cross-entropy of logits input against class indices target.
   * @param input (N, C) logits, or (N, C, d1, ...) for per-position classes.
   * @param target class indices in [0, C): a Tensor, an Int32Array or an array of numbers, of
   *   shape (N) (or (N, d1, ...)).
   * @returns shape [] for 'mean' and 'sum', the target's shape for 'none'.
   * @throws {TypeError} when input is not a Tensor or target is not class indices.
   * @throws {RangeError} when input has fewer than 2 dimensions, target's shape does not match,
   *   or a target is not an integer in [0, C).
   * @example const loss = new kiln.nn.CrossEntropyLoss().forward(logits, labels); loss.backward();
   */
  override forward(input: Tensor, target: Targets): Tensor {
    return F.crossEntropyAt('CrossEntropyLoss.forward', input, target, { labelSmoothing: this.labelSmoothing, reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}

/**
 * Mean squared error, as torch.nn.MSELoss: (x - y)^2 per element, then averaged ('mean'),
 * added ('sum') or kept ('none'). See `kiln.nn.functional.mseLoss`.
 * @param opts `{ reduction = 'mean' }`
 * @throws {TypeError} when opts is not an object or names an unknown option, or reduction is not a string.
 * @throws {RangeError} when reduction is a string other than 'mean', 'sum' or 'none'.
 * @example const loss = new kiln.nn.MSELoss().forward(pred, y);
 */
export class MSELoss extends Module {
  /** How the per-element losses combine: 'mean', 'sum', or 'none' (no reduction). @defaultValue 'mean' */
  readonly reduction: Reduction;

  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    expectArity('MSELoss', arguments, 0, true);
    this.reduction = reductionOf('MSELoss', checkOptions('MSELoss', opts, ['reduction']).reduction);
  }

  /**
   * The squared error of input against target.
   * @param input predictions, any shape.
   * @param target values of input's shape.
   * @returns shape [] for 'mean' and 'sum', input's shape for 'none'.
   * @throws {TypeError} when input or target is not a Tensor.
   * @throws {RangeError} when their shapes differ.
   * @example new kiln.nn.MSELoss().forward(kiln.tensor([1, 2]), kiln.tensor([1, 4])); // 2
   */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLossAt('MSELoss.forward', input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error, as torch.nn.L1Loss: |x - y| per element, then averaged ('mean'), added
 * ('sum') or kept ('none'). Its gradient is sign(x - y), 0 where they are equal.
 * See `kiln.nn.functional.l1Loss`.
 * @param opts `{ reduction = 'mean' }`
 * @throws {TypeError} when opts is not an object or names an unknown option, or reduction is not a string.
 * @throws {RangeError} when reduction is a string other than 'mean', 'sum' or 'none'.
 * @example const loss = new kiln.nn.L1Loss({ reduction: 'sum' }).forward(pred, y);
 */
export class L1Loss extends Module {
  /** How the per-element losses combine: 'mean', 'sum', or 'none' (no reduction). @defaultValue 'mean' */
  readonly reduction: Reduction;

  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    expectArity('L1Loss', arguments, 0, true);
    this.reduction = reductionOf('L1Loss', checkOptions('L1Loss', opts, ['reduction']).reduction);
  }

  /**
   * The absolute error of input against target.
   * @param input predictions, any shape.
   * @param target values of input's shape.
   * @returns shape [] for 'mean' and 'sum', input's shape for 'none'.
   * @throws {TypeError} when input or target is not a Tensor.
   * @throws {RangeError} when their shapes differ.
   * @example new kiln.nn.L1Loss().forward(kiln.tensor([1, 2]), kiln.tensor([1, 4])); // 1
   */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.l1LossAt('L1Loss.forward', input, target, { reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy on logits, as torch.nn.BCEWithLogitsLoss: per element,
 * -w * [pw * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x))], computed in the stable form
 * max(x, 0) - x*y + log(1 + exp(-|x|)) when pw = 1. It applies the sigmoid itself: give it raw
 * logits. weight and posWeight are buffers (state-dict keys `weight`, `pos_weight`), as in
 * PyTorch. See `kiln.nn.functional.binaryCrossEntropyWithLogits`.
 * @param opts `{ reduction = 'mean', posWeight = null, weight = null }`: posWeight weighs the
 *   positive examples, broadcast against the input (one value per class, e.g. negatives /
 *   positives); weight multiplies each element's loss ('mean' stays a plain mean).
 * @throws {TypeError} when opts is not an object or names an unknown option, reduction is not a
 *   string, or posWeight or weight is not a Tensor or null.
 * @throws {RangeError} when reduction is a string other than 'mean', 'sum' or 'none'.
 * @example const loss = new kiln.nn.BCEWithLogitsLoss({ posWeight: kiln.tensor([2]) }).forward(logits, y);
 */
export class BCEWithLogitsLoss extends Module {
  /** How the per-element losses combine: 'mean', 'sum', or 'none' (no reduction). @defaultValue 'mean' */
  readonly reduction: Reduction;
  /** The weight of each element's loss, broadcast against the input, or null. */
  weight: Buffer | null;
  /** The positive examples' weight, broadcast against the input; null weighs them 1. @defaultValue null */
  posWeight: Buffer | null;

  constructor(opts: { reduction?: Reduction; posWeight?: Tensor | null; weight?: Tensor | null } = {}) {
    super();
    expectArity('BCEWithLogitsLoss', arguments, 0, true);
    const o = checkOptions('BCEWithLogitsLoss', opts, ['reduction', 'posWeight', 'weight']);
    this.reduction = reductionOf('BCEWithLogitsLoss', o.reduction);
    // weight before pos_weight: PyTorch's state-dict order.
    this.weight = weightBuffer('BCEWithLogitsLoss', o.weight);
    const pw = o.posWeight ?? null;
    this.posWeight = pw === null ? null : new Buffer(checkTensor('BCEWithLogitsLoss', 'posWeight', pw));
  }

  /**
   * The binary cross-entropy of logits input against targets in [0, 1].
   * @param input logits, any shape.
   * @param target probabilities (usually 0 or 1) of input's shape.
   * @returns shape [] for 'mean' and 'sum', input's shape for 'none'.
   * @throws {TypeError} when input or target is not a Tensor.
   * @throws {RangeError} when their shapes differ, or posWeight does not broadcast to input.
   * @example new kiln.nn.BCEWithLogitsLoss().forward(kiln.tensor([0]), kiln.tensor([1])); // log 2 = 0.6931
   */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogitsAt('BCEWithLogitsLoss.forward', input, target, { reduction: this.reduction, posWeight: this.posWeight, weight: this.weight });
  }
}

/**
 * Binary cross-entropy on probabilities, each log clamped at -100:
 * loss = -w * (y * log(x) + (1 - y) * log(1 - x)). weight is a buffer (state-dict key
 * `weight`), as in PyTorch. See `nn.functional.binaryCrossEntropy`.
 * @param opts `{ weight?, reduction = 'mean' }`: weight broadcasts against the input
 * @throws TypeError for a weight that is not a Tensor or an unknown option; RangeError for a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.BCELoss().forward(model.forward(x).sigmoid(), y);
 */
export class BCELoss extends Module {
  /** How the per-element losses are reduced: 'mean', 'sum' or 'none'. */
  readonly reduction: Reduction;
  /** The weight of each element's loss, broadcast against the input, or null. */
  weight: Buffer | null;

  constructor(opts: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
    expectArity('BCELoss', arguments, 0, true);
    const o = checkOptions('BCELoss', opts, ['weight', 'reduction']);
    this.reduction = reductionOf('BCELoss', o.reduction);
    this.weight = weightBuffer('BCELoss', o.weight);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyAt('BCELoss.forward', input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Huber loss (Huber 1964): 0.5 * d^2 where |d| < delta, else delta * (|d| - 0.5 * delta), for
 * d = x - y. See `nn.functional.huberLoss`.
 * @param opts `{ reduction = 'mean', delta = 1 }`: delta > 0
 * @throws TypeError for a non-number delta or an unknown option; RangeError for a delta that is not positive and finite, or a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.HuberLoss({ delta: 0.5 }).forward(pred, y);
 */
export class HuberLoss extends Module {
  /** How the per-element losses are reduced: 'mean', 'sum' or 'none'. */
  readonly reduction: Reduction;
  /** Where the loss turns from quadratic to linear. */
  readonly delta: number;

  constructor(opts: { reduction?: Reduction; delta?: number } = {}) {
    super();
    expectArity('HuberLoss', arguments, 0, true);
    const o = checkOptions('HuberLoss', opts, ['reduction', 'delta']);
    this.reduction = reductionOf('HuberLoss', o.reduction);
    this.delta = checkNumber('HuberLoss', 'delta', o.delta ?? 1);
    if (!(this.delta > 0)) throw rangeError('HuberLoss', 'a positive number', 'delta', this.delta);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLossAt('HuberLoss.forward', input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Smooth L1 loss (Girshick 2015): 0.5 * d^2 / beta where |d| < beta, else |d| - 0.5 * beta,
 * for d = x - y; beta = 0 is the L1 loss. See `nn.functional.smoothL1Loss`.
 * @param opts `{ reduction = 'mean', beta = 1 }`: beta >= 0
 * @throws TypeError for a non-number beta or an unknown option; RangeError for a negative or non-finite beta, or a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.SmoothL1Loss({ beta: 0.1 }).forward(boxes, targets);
 */
export class SmoothL1Loss extends Module {
  /** How the per-element losses are reduced: 'mean', 'sum' or 'none'. */
  readonly reduction: Reduction;
  /** Where the loss turns from quadratic to linear. */
  readonly beta: number;

  constructor(opts: { reduction?: Reduction; beta?: number } = {}) {
    super();
    expectArity('SmoothL1Loss', arguments, 0, true);
    const o = checkOptions('SmoothL1Loss', opts, ['reduction', 'beta']);
    this.reduction = reductionOf('SmoothL1Loss', o.reduction);
    this.beta = checkNumber('SmoothL1Loss', 'beta', o.beta ?? 1);
    if (this.beta < 0) throw rangeError('SmoothL1Loss', 'a non-negative number', 'beta', this.beta);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1LossAt('SmoothL1Loss.forward', input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * Kullback-Leibler divergence loss on log-probability inputs: p * (log p - input), or
 * exp(t) * (t - input) with logTarget. Use reduction 'batchmean' for the true KL divergence;
 * 'mean' (the default, as PyTorch's) divides by every element. See `nn.functional.klDiv`.
 * @param opts `{ reduction = 'mean', logTarget = false }`: reduction 'mean', 'batchmean', 'sum' or 'none'
 * @throws TypeError for a non-boolean logTarget or an unknown option; RangeError for an unknown reduction.
 * @example const loss = new nn.KLDivLoss({ reduction: 'batchmean' }).forward(logQ, p);
 */
export class KLDivLoss extends Module {
  /** How the per-element losses are reduced: 'mean', 'batchmean', 'sum' or 'none'. */
  readonly reduction: KLDivReduction;
  /** Whether the target holds log-probabilities. */
  readonly logTarget: boolean;

  constructor(opts: { reduction?: KLDivReduction; logTarget?: boolean } = {}) {
    super();
    expectArity('KLDivLoss', arguments, 0, true);
    const o = checkOptions('KLDivLoss', opts, ['reduction', 'logTarget']);
    this.reduction = checkChoice('KLDivLoss', 'reduction', o.reduction ?? 'mean', F.KL_REDUCTIONS);
    this.logTarget = checkBoolean('KLDivLoss', 'logTarget', o.logTarget ?? false);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return F.klDivAt('KLDivLoss.forward', input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/**
 * Cosine embedding loss: 1 - cos(x1, x2) for pairs labelled 1, max(0, cos(x1, x2) - margin)
 * for pairs labelled -1. See `nn.functional.cosineEmbeddingLoss`.
 * @param opts `{ margin = 0, reduction = 'mean' }`
 * @throws TypeError for a non-number margin or an unknown option; RangeError for a non-finite margin or a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.CosineEmbeddingLoss({ margin: 0.5 }).forward(a, b, tensor([1, -1]));
 */
export class CosineEmbeddingLoss extends Module {
  /** How the per-element losses are reduced: 'mean', 'sum' or 'none'. */
  readonly reduction: Reduction;
  /** The cosine below which a dissimilar pair costs nothing. */
  readonly margin: number;

  constructor(opts: { margin?: number; reduction?: Reduction } = {}) {
    super();
    expectArity('CosineEmbeddingLoss', arguments, 0, true);
    const o = checkOptions('CosineEmbeddingLoss', opts, ['margin', 'reduction']);
    this.margin = checkNumber('CosineEmbeddingLoss', 'margin', o.margin ?? 0);
    this.reduction = reductionOf('CosineEmbeddingLoss', o.reduction);
  }

  override forward(input1: Tensor, input2: Tensor, target: Targets): Tensor {
    return F.cosineEmbeddingLossAt('CosineEmbeddingLoss.forward', input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
