// torch.nn.LayerNorm (Ba, Kiros & Hinton 2016).
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { checkNormalizedShape, layerNormAt } from './functional/layernorm';
import { numelOf } from '../shape';
import { checkBoolean, checkEps, checkOptions } from '../errors';
import { expectArity } from '../options';
import { pyBool, pyFloat, pyTuple } from './pyrepr';

/**
 * Layer normalisation over the last dimensions, as torch.nn.LayerNorm (Ba, Kiros & Hinton 2016,
 * "Layer Normalization"): y = (x - mean) / sqrt(var + eps) * weight + bias, the mean and biased
 * variance over each row of prod(normalizedShape) elements, so unlike BatchNorm it behaves the
 * same in training and evaluation. weight starts at 1 and bias at 0.
 * @param normalizedShape the trailing shape (a number or an array): `LayerNorm(10)` = `LayerNorm([10])`.
 * @param opts `{ eps = 1e-5, elementwiseAffine = true, bias = true }`: without elementwiseAffine
 *   there is neither weight nor bias; bias false keeps the weight only.
 * @throws {TypeError} when normalizedShape is not a number or an array of numbers, eps is not a
 *   number, elementwiseAffine or bias is not a boolean, opts is not an object, or an option
 *   name is unknown.
 * @throws {RangeError} when normalizedShape is empty or a size in it is not a non-negative
 *   integer, or eps is negative or not finite.
 * @example
 * const ln = new kiln.nn.LayerNorm(768);
 * ln.forward(kiln.randn([4, 16, 768])).shape; // [4, 16, 768], each row mean 0 and variance 1
 */
export class LayerNorm extends Module {
  /** The trailing shape normalised over, as an array. */
  readonly normalizedShape: number[];
  /** Added to the variance before the square root. @defaultValue 1e-5 */
  readonly eps: number;
  /** Whether the layer has a learnt weight (and bias, unless bias was false). @defaultValue true */
  readonly elementwiseAffine: boolean;
  /** gamma, the elementwise scale of shape normalizedShape, from 1; null without elementwiseAffine. */
  weight: Parameter | null;
  /** beta, the elementwise shift of shape normalizedShape, from 0; null without elementwiseAffine or with bias false. */
  bias: Parameter | null;

  constructor(normalizedShape: number | number[], opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    expectArity('LayerNorm', arguments, 1, true);
    const o = checkOptions('LayerNorm', opts, ['eps', 'elementwiseAffine', 'bias']);
    this.normalizedShape = checkNormalizedShape('LayerNorm', normalizedShape);
    this.eps = checkEps('LayerNorm', o.eps ?? 1e-5);
    this.elementwiseAffine = checkBoolean('LayerNorm', 'elementwiseAffine', o.elementwiseAffine ?? true);
    const useBias = checkBoolean('LayerNorm', 'bias', o.bias ?? true);
    const D = numelOf(this.normalizedShape);
    this.weight = this.elementwiseAffine ? new Parameter(new Float32Array(D), this.normalizedShape) : null;
    this.bias = this.elementwiseAffine && useBias ? new Parameter(new Float32Array(D), this.normalizedShape) : null;
    this.resetParameters();
  }

  /**
   * Re-initialises as PyTorch's default: weight 1, bias 0.
   * @example ln.resetParameters();
   */
  resetParameters(): void {
    if (this.weight) this.weight.data.fill(1);
    if (this.bias) this.bias.data.fill(0);
  }

  /**
   * Normalises each row of x's trailing normalizedShape elements.
   * @param x (..., ...normalizedShape).
   * @returns a tensor of x's shape.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x's trailing shape is not normalizedShape.
   * @example new kiln.nn.LayerNorm(2).forward(kiln.tensor([[1, 3]])); // [[-1, 1]] (to within eps)
   */
  override forward(x: Tensor): Tensor {
    return layerNormAt('LayerNorm.forward', x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
