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
 * A fully connected layer, as torch.nn.Linear: y = x W^T + b over the last dimension, W of
 * shape (outFeatures, inFeatures). Initialised as PyTorch's: Kaiming-uniform (He et al. 2015)
 * with a = sqrt(5) for W, which is U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)), and the same
 * bound for b.
 * @param inFeatures the size of each input's last dimension, >= 0.
 * @param outFeatures the size of each output's last dimension, >= 0.
 * @param opts `{ bias = true, generator = the default generator }`: whether to learn b, and the
 *   random stream of the initial weights.
 * @throws {TypeError} when a size is not a number, bias is not a boolean, generator is not a
 *   Generator, opts is not an object, or an option name is unknown.
 * @throws {RangeError} when a size is not a non-negative integer, or the weight would have more
 *   than 2^31 - 1 elements.
 * @example
 * const fc = new kiln.nn.Linear(784, 10);
 * fc.forward(kiln.randn([32, 784])).shape; // [32, 10]
 */
export class Linear extends Module {
  /** The size of each input's last dimension. */
  readonly inFeatures: number;
  /** The size of each output's last dimension. */
  readonly outFeatures: number;
  /** W, shape (outFeatures, inFeatures). */
  weight: Parameter;
  /** b, shape (outFeatures); null when constructed with bias false. */
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
   * Re-initialises as PyTorch's reset_parameters: kaimingUniform(weight, { a: sqrt(5) }) and
   * the bias uniform in +-1/sqrt(fan_in). Both bounds come to 1/sqrt(inFeatures).
   * @param generator [the default generator] the random stream to draw from.
   * @throws {TypeError} when generator is given and is not a Generator.
   * @example fc.resetParameters(new kiln.Generator(0)); // reproducible weights
   */
  resetParameters(generator?: Generator): void {
    resetWeightAndBias('Linear', this.weight, this.bias, generator ?? generatorFrom('Linear'));
  }

  /**
   * Applies y = x W^T + b.
   * @param x (..., inFeatures): any number of leading dimensions.
   * @returns (..., outFeatures).
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x's last dimension is not inFeatures.
   * @example new kiln.nn.Linear(4, 2).forward(kiln.ones([3, 4])).shape; // [3, 2]
   */
  override forward(x: Tensor): Tensor {
    return linearAt('Linear.forward', x, this.weight, { bias: this.bias });
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
