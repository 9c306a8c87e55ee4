// The default initialisation of PyTorch's Linear and ConvNd layers (their reset_parameters),
// one piece of code for both.
import { Tensor } from '../../tensor';
import { Generator } from '../../random';
import { kaimingUniform } from './scaled';
import { uniform } from './fill';
import { fanInAndOut } from './fans';

/**
 * PyTorch's reset_parameters of Linear and ConvNd: kaimingUniform(weight, { a: sqrt(5) }) and
 * the bias uniform in +-1/sqrt(fan_in). Both bounds come to 1/sqrt(fan_in) (fan_in = in
 * features, or in channels times the kernel's size). The weight draws first, then the bias.
 */
export function resetWeightAndBias(where: string, weight: Tensor, bias: Tensor | null, generator: Generator): void {
  kaimingUniform(weight, { a: Math.sqrt(5), generator });
  if (bias) {
    const [fanIn] = fanInAndOut(where, weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform(bias, -bound, bound, { generator });
  }
}
