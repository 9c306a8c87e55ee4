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
 * Cross-entropy between logits and class indices, as torch.nn.CrossEntropyLoss: per row,
 * -log softmax(x)[target], with optional label smoothing (Szegedy et al. 2016): with
 * eps = labelSmoothing, loss = (1 - eps) * (-log p_target) + eps * mean_c(-log p_c).
 * It applies log-softmax itself: give it raw logits. See `kiln.nn.functional.crossEntropy`.
 * @param opts `{ labelSmoothing = 0, reduction = 'mean' }`: 'mean' averages over rows, 'sum'
 *   adds them, 'none' returns one loss per row.
 * @throws {TypeError} when opts is not an object or names an unknown option, labelSmoothing is
 *   not a number, or reduction is not a string.
 * @throws {RangeError} when labelSmoothing is outside [0, 1], or reduction is a string other than
 *   'mean', 'sum' or 'none'.
 * @example
 * const lossFn = new kiln.nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
 * const loss = lossFn.forward(kiln.randn([3, 5]), [1, 0, 4]); // shape []
 */
export class CrossEntropyLoss extends Module {
  /** The share of the target's probability spread evenly over all classes, in [0, 1]. @defaultValue 0 */
  readonly labelSmoothing: number;
  /** How the per-element losses combine: 'mean', 'sum', or 'none' (no reduction). @defaultValue 'mean' */
  readonly reduction: Reduction;

  constructor(opts: { labelSmoothing?: number; reduction?: Reduction } = {}) {
    super();
    expectArity('CrossEntropyLoss', arguments, 0, true);
    const o = checkOptions('CrossEntropyLoss', opts, ['labelSmoothing', 'reduction']);
    this.labelSmoothing = checkInRange('CrossEntropyLoss', 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1);
    this.reduction = reductionOf('CrossEntropyLoss', o.reduction);
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
    return F.crossEntropy(input, target, { labelSmoothing: this.labelSmoothing, reduction: this.reduction }, 'CrossEntropyLoss.forward');
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
    return F.mseLoss(input, target, { reduction: this.reduction }, 'MSELoss.forward');
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
    return F.l1Loss(input, target, { reduction: this.reduction }, 'L1Loss.forward');
  }
}

/**
 * Binary cross-entropy on logits, as torch.nn.BCEWithLogitsLoss: per element,
 * -[pw * y * log sigmoid(x) + (1 - y) * log(1 - sigmoid(x))], computed in the stable form
 * max(x, 0) - x*y + log(1 + exp(-|x|)) when pw = 1. It applies the sigmoid itself: give it raw
 * logits. posWeight is a buffer (state-dict key `pos_weight`), as in PyTorch.
 * See `kiln.nn.functional.binaryCrossEntropyWithLogits`.
 * @param opts `{ reduction = 'mean', posWeight = null }`: posWeight weighs the positive
 *   examples, broadcast against the input (one value per class, e.g. negatives / positives).
 * @throws {TypeError} when opts is not an object or names an unknown option, reduction is not a
 *   string, or posWeight is not a Tensor or null.
 * @throws {RangeError} when reduction is a string other than 'mean', 'sum' or 'none'.
 * @example const loss = new kiln.nn.BCEWithLogitsLoss({ posWeight: kiln.tensor([2]) }).forward(logits, y);
 */
export class BCEWithLogitsLoss extends Module {
  /** How the per-element losses combine: 'mean', 'sum', or 'none' (no reduction). @defaultValue 'mean' */
  readonly reduction: Reduction;
  /** The positive examples' weight, broadcast against the input; null weighs them 1. @defaultValue null */
  posWeight: Buffer | null;

  constructor(opts: { reduction?: Reduction; posWeight?: Tensor | null } = {}) {
    super();
    expectArity('BCEWithLogitsLoss', arguments, 0, true);
    const o = checkOptions('BCEWithLogitsLoss', opts, ['reduction', 'posWeight']);
    this.reduction = reductionOf('BCEWithLogitsLoss', o.reduction);
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
    return F.binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction, posWeight: this.posWeight }, 'BCEWithLogitsLoss.forward');
  }
}
