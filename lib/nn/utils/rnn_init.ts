// A common initialisation recipe for recurrent layers (torch users write it as a loop over
// named_parameters): orthogonal recurrent weights per gate, Xavier input weights, zero biases,
// and an LSTM forget-gate bias of 1.
import { noGrad } from '../../tensor';
import { Generator, generatorFrom } from '../../random';
import { checkFloat32, checkOptions, typeError } from '../../errors';
import { expectArity } from '../../options';
import { RNNBase } from '../rnn';
import { gatesOf } from '../functional/rnn';
import { orthogonalBlocks } from '../init/blocks';
import { xavierUniform } from '../init/scaled';

/** Options of {@link rnnInitRecipe}. */
export interface RnnInitOptions {
  /** [1] the gain of the orthogonal recurrent blocks. */
  gain?: number;
  /** [1] LSTM only: the value of bias_ih's forget-gate block (bias_hh's stays 0), so f starts near sigmoid(1). */
  forgetBias?: number;
  /** The stream to draw from [the default generator]. */
  generator?: Generator;
}

/**
 * Re-initialises a recurrent layer with the recipe of Saxe et al. 2013 (orthogonal recurrent
 * weights) and Jozefowicz, Zaremba & Sutskever 2015 (forget-gate bias 1), in place, for every
 * layer and direction:
 * - `weight_hh_l{k}`: each gate's (H, H) block orthogonal times `gain` (`nn.init.orthogonalBlocks`),
 *   so block^T block = gain^2 I;
 * - `weight_ih_l{k}`: Xavier uniform (Glorot & Bengio 2010) over the whole matrix;
 * - `bias_ih_l{k}`, `bias_hh_l{k}`: zero, except LSTM's forget block of bias_ih (rows [H, 2H)),
 *   set to `forgetBias`.
 * The same as this PyTorch loop:
 * `for name, p in lstm.named_parameters(): if 'weight_hh' in name: [orthogonal_(b) for b in p.chunk(4)] ...`
 * @param module an nn.RNN, nn.LSTM or nn.GRU.
 * @param opts `{ gain = 1, forgetBias = 1, generator? }`
 * @returns module
 * @throws TypeError for a module that is not a recurrent layer, an unknown option, a non-number
 *   gain or forgetBias or a surplus argument; RangeError for a gain or forgetBias that is not
 *   finite in float32.
 * @example const lstm = nn.utils.rnnInitRecipe(new nn.LSTM(32, 64), { generator: new kiln.Generator(0) });
 */
export function rnnInitRecipe<M extends RNNBase>(module: M, opts?: RnnInitOptions): M {
  const where = 'rnnInitRecipe';
  if (arguments.length > 1) expectArity(where, arguments, 1, true);
  if (!(module instanceof RNNBase)) throw typeError(where, 'an nn.RNN, nn.LSTM or nn.GRU', 'module', module);
  const o = checkOptions(where, opts, ['gain', 'forgetBias', 'generator']);
  const gain = checkFloat32(where, 'gain', o.gain ?? 1);
  const forgetBias = checkFloat32(where, 'forgetBias', o.forgetBias ?? 1);
  const generator = generatorFrom(where, o);
  const G = gatesOf(module.mode), H = module.hiddenSize;
  noGrad(() => {
    for (const [wIh, wHh, bIh, bHh] of module.allWeights) {
      xavierUniform(wIh, { generator });
      orthogonalBlocks(wHh, G, { gain, generator });
      if (bIh) {
        bIh.data.fill(0);
        bHh.data.fill(0);
        if (module.mode === 'LSTM') bIh.data.fill(forgetBias, H, 2 * H);
      }
    }
  });
  return module;
}
