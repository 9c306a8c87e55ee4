// torch.nn.NLLLoss.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { Buffer } from './parameter';
import { DEFAULT_IGNORE_INDEX, REDUCTIONS, nllLossAt } from './functional/loss';
import type { Reduction, Targets } from './functional/loss';
import { checkChoice, checkInt, checkOptions } from '../errors';
import { expectArity } from '../options';

/**
 * Negative log-likelihood of class indices under log-probabilities (apply `LogSoftmax` first;
 * together they are CrossEntropyLoss): loss = -w_target * input[target]. With a class weight
 * (a buffer, state-dict key `weight`, as PyTorch's), 'mean' divides by the sum of the targets'
 * weights; targets equal to ignoreIndex add nothing and are not counted. See `nn.functional.nllLoss`.
 * @param opts `{ weight?, ignoreIndex = -100, reduction = 'mean' }`: weight of shape (C)
 * @throws TypeError for a weight that is not a Tensor; RangeError for a non-integer ignoreIndex or a reduction other than 'mean', 'sum' or 'none'.
 * @example const loss = new nn.NLLLoss({ ignoreIndex: 0 }).forward(F.logSoftmax(logits, 1), [3, 0, 1]);
 */
export class NLLLoss extends Module {
  /** 'mean', 'sum' or 'none'. */
  readonly reduction: Reduction;
  /** Targets equal to it add nothing and are not counted in the mean. */
  readonly ignoreIndex: number;
  /** The class weights (shape (C)), or null. */
  weight: Buffer | null;

  constructor(opts: { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction } = {}) {
    super();
    const where = 'NLLLoss';
    // PyTorch's positional parameters: weight, size_average, ignore_index, reduce, reduction.
    expectArity(where, arguments, 0, true, [undefined, undefined, 'ignoreIndex', undefined, 'reduction']);
    const o = checkOptions(where, opts, ['weight', 'ignoreIndex', 'reduction']);
    this.weight = o.weight === undefined || o.weight === null ? null : new Buffer(checkTensor(where, 'weight', o.weight));
    this.ignoreIndex = checkInt(where, 'ignoreIndex', o.ignoreIndex ?? DEFAULT_IGNORE_INDEX, -Number.MAX_SAFE_INTEGER);
    this.reduction = checkChoice(where, 'reduction', o.reduction ?? 'mean', REDUCTIONS);
  }

  /**
   * The loss (see F.nllLoss).
   * @param input (N, C) or (N, C, d1, ...) log-probabilities
   * @param target (N) or (N, d1, ...) class indices
   * @throws {TypeError} when input is not a Tensor, or target is not a Tensor of integers, an Int32Array or a (nested) number[].
   * @throws {RangeError} for an input with fewer than 2 dimensions, a target of the wrong shape, or a target that is neither ignoreIndex nor an integer in [0, C).
   * @example new kiln.nn.NLLLoss().forward(kiln.tensor([[-1, -2], [-3, -0.5]]), [0, 1]).item(); // 0.75, the mean of 1 and 0.5
   */
  override forward(input: Tensor, target: Targets): Tensor {
    return nllLossAt('NLLLoss.forward', input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}
