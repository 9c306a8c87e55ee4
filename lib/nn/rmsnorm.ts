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
 * Root-mean-square normalisation over the last dimensions, as torch.nn.RMSNorm
 * (Zhang & Sennrich 2019): y = x / sqrt(mean(x^2) + eps) * weight. weight starts at 1.
 * @param normalizedShape the trailing shape (a number or an array)
 * @param opts `{ eps?, elementwiseAffine = true }`: eps omitted or null is float32's machine
 *   epsilon (2^-23), as PyTorch.
 * @throws TypeError/RangeError for bad arguments; forward throws RangeError when the input's
 *   trailing shape is not normalizedShape.
 * @example const norm = new nn.RMSNorm(4096); const y = norm.forward(x);
 */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  /** null: float32's machine epsilon at forward time, as PyTorch's eps=None. */
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
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

  /** PyTorch's default: weight 1. */
  resetParameters(): void {
    if (this.weight) this.weight.data.fill(1);
  }

  override forward(x: Tensor): Tensor {
    return rmsNormAt('RMSNorm.forward', x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${this.eps === null ? 'None' : pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
