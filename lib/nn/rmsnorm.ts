// torch.nn.RMSNorm (Zhang & Sennrich 2019).
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { checkNormalizedShape } from './functional/layernorm';
import { rmsNormAt } from './functional/rmsnorm';
import { numelOf } from '../shape';
import { checkBoolean, checkEps, checkOptions } from '../errors';
import { expectArity } from '../options';
import { pyBool, pyFloat, pyTuple } from './pyrepr';

/**
 * Root-mean-square normalisation over the last dimensions, as torch.nn.RMSNorm (Zhang &
 * Sennrich 2019, "Root Mean Square Layer Normalization"): y = x / sqrt(mean(x^2) + eps) * weight,
 * the mean over each row of prod(normalizedShape) elements. LayerNorm without the centring and
 * the bias. weight starts at 1.
 * @param normalizedShape the trailing shape (a number or an array).
 * @param opts `{ eps = null, elementwiseAffine = true }`: eps omitted or null is float32's
 *   machine epsilon (2^-23), as PyTorch.
 * @throws {TypeError} when normalizedShape is not a number or an array of numbers, eps is not a
 *   number, elementwiseAffine is not a boolean, opts is not an object, or an option name is
 *   unknown.
 * @throws {RangeError} when normalizedShape is empty or a size in it is not a non-negative
 *   integer, or eps is negative or not finite.
 * @example
 * const norm = new kiln.nn.RMSNorm(512);
 * norm.forward(kiln.randn([2, 8, 512])).shape; // [2, 8, 512]
 */
export class RMSNorm extends Module {
  /** The trailing shape normalised over, as an array. */
  readonly normalizedShape: number[];
  /** null: float32's machine epsilon at forward time, as PyTorch's eps=None. */
  readonly eps: number | null;
  /** Whether the layer has a learnt weight. @defaultValue true */
  readonly elementwiseAffine: boolean;
  /** g, the elementwise gain of shape normalizedShape, from 1; null without elementwiseAffine. */
  weight: Parameter | null;

  constructor(normalizedShape: number | number[], opts: { eps?: number | null; elementwiseAffine?: boolean } = {}) {
    super();
    expectArity('RMSNorm', arguments, 1, true);
    const o = checkOptions('RMSNorm', opts, ['eps', 'elementwiseAffine']);
    this.normalizedShape = checkNormalizedShape('RMSNorm', normalizedShape);
    this.eps = o.eps === undefined || o.eps === null ? null : checkEps('RMSNorm', o.eps);
    this.elementwiseAffine = checkBoolean('RMSNorm', 'elementwiseAffine', o.elementwiseAffine ?? true);
    this.weight = this.elementwiseAffine ? new Parameter(new Float32Array(numelOf(this.normalizedShape)), this.normalizedShape) : null;
    this.resetParameters();
  }

  /**
   * Re-initialises as PyTorch's default: weight 1.
   * @example norm.resetParameters();
   */
  resetParameters(): void {
    if (this.weight) this.weight.data.fill(1);
  }

  /**
   * Divides each row of x's trailing normalizedShape elements by its root mean square.
   * @param x (..., ...normalizedShape).
   * @returns a tensor of x's shape.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x's trailing shape is not normalizedShape.
   * @example new kiln.nn.RMSNorm(2).forward(kiln.tensor([[3, 4]])); // [[0.8485, 1.1314]]
   */
  override forward(x: Tensor): Tensor {
    return rmsNormAt('RMSNorm.forward', x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${this.eps === null ? 'None' : pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
