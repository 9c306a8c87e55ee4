// torch.nn.Linear.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { linearAt } from './functional/linear';
import { checkBoolean, checkInt, checkOptions } from '../errors';
import { expectArity } from '../options';
import { Generator, generatorFrom } from '../random';
import { resetWeightAndBias } from './init/layer';
import { checkShape } from '../shape';

/**
 * y = x W^T + b over the last dimension. W: (outFeatures, inFeatures).
 * Initialised as PyTorch's: kaiming_uniform with a = sqrt(5) for W, which is
 * U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)), and the same bound for b.
 * @param opts `{ bias = true, generator? }`
 * @throws TypeError for non-number sizes or a non-boolean bias; RangeError for sizes that are not
 *   non-negative integers, or a weight of more than 2^31 - 1 elements.
 * @example const fc = new nn.Linear(784, 10); const y = fc.forward(x);
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean; generator?: Generator } = {}) {
    super();
    expectArity('Linear', arguments, 2, true);
    const o = checkOptions('Linear', opts, ['bias', 'generator']);
    this.inFeatures = checkInt('Linear', 'inFeatures', inFeatures, 0, 2 ** 31 - 1);
    this.outFeatures = checkInt('Linear', 'outFeatures', outFeatures, 0, 2 ** 31 - 1);
    const useBias = checkBoolean('Linear', 'bias', o.bias ?? true);
    // Each size may be valid alone while the weight would not be (65536 x 65536 would allocate
    // and fill 16 GB): the same element bound as every tensor.
    checkShape('Linear', [outFeatures, inFeatures], 'weight shape [outFeatures, inFeatures]');
    this.weight = new Parameter(new Float32Array(outFeatures * inFeatures), [outFeatures, inFeatures]);
    this.bias = useBias ? new Parameter(new Float32Array(outFeatures), [outFeatures]) : null;
    this.resetParameters(generatorFrom('Linear', o));
  }

  /**
   * PyTorch's reset_parameters: kaimingUniform(weight, { a: sqrt(5) }) and the bias uniform in
   * +-1/sqrt(fan_in). Both bounds come to 1/sqrt(inFeatures).
   */
  resetParameters(generator?: Generator): void {
    resetWeightAndBias('Linear', this.weight, this.bias, generator ?? generatorFrom('Linear'));
  }

  override forward(x: Tensor): Tensor {
    return linearAt('Linear.forward', x, this.weight, { bias: this.bias });
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
