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
 * Layer normalisation over the last dimensions, as torch.nn.LayerNorm (Ba, Kiros & Hinton 2016):
 * y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance over each row of
 * prod(normalizedShape) elements. weight starts at 1 and bias at 0.
 * @param normalizedShape the trailing shape (a number or an array): `LayerNorm(10)` = `LayerNorm([10])`
 * @param opts `{ eps = 1e-5, elementwiseAffine = true, bias = true }`: without elementwiseAffine
 *   there is neither weight nor bias; bias false keeps the weight only.
 * @throws TypeError/RangeError for bad arguments; forward throws RangeError when the input's
 *   trailing shape is not normalizedShape.
 * @example const ln = new nn.LayerNorm(768); const y = ln.forward(x); // x: (B, T, 768)
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
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

  /** PyTorch's default: weight 1, bias 0. */
  resetParameters(): void {
    if (this.weight) this.weight.data.fill(1);
    if (this.bias) this.bias.data.fill(0);
  }

  override forward(x: Tensor): Tensor {
    return layerNormAt('LayerNorm.forward', x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
