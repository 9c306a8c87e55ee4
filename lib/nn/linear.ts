// torch.nn.Linear.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { linear } from './functional/linear';
import { checkBoolean, checkInt, checkOptions } from '../errors';
import { Generator, generatorFrom } from '../random';

/**
 * y = x W^T + b over the last dimension. W: (outFeatures, inFeatures).
 * Initialised as PyTorch's: kaiming_uniform with a = sqrt(5) for W, which is
 * U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)), and the same bound for b.
 * @param opts `{ bias = true, generator? }`
 * @example const fc = new nn.Linear(784, 10); const y = fc.forward(x);
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean; generator?: Generator } = {}) {
    super();
    const o = checkOptions('Linear', opts);
    this.inFeatures = checkInt('Linear', 'inFeatures', inFeatures, 0, 2 ** 31 - 1);
    this.outFeatures = checkInt('Linear', 'outFeatures', outFeatures, 0, 2 ** 31 - 1);
    const useBias = checkBoolean('Linear', 'bias', o.bias ?? true);
    this.weight = new Parameter(new Float32Array(outFeatures * inFeatures), [outFeatures, inFeatures]);
    this.bias = useBias ? new Parameter(new Float32Array(outFeatures), [outFeatures]) : null;
    this.resetParameters(generatorFrom('Linear', o));
  }

  /** PyTorch's default init (see the class comment). */
  resetParameters(generator?: Generator): void {
    const g = generator ?? generatorFrom('Linear');
    const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
    g.fillUniform(this.weight.data, -bound, bound);
    if (this.bias) g.fillUniform(this.bias.data, -bound, bound);
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, { bias: this.bias }, 'Linear.forward');
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
