// torch.nn.init.orthogonal_, on the native Householder QR (native/kernels/init.cc).
import { Tensor, checkTensor } from '../../tensor';
import { generatorFrom } from '../../random';
import { checkFloat32, checkOptions } from '../../errors';
import { rangeErrorText } from '../../errors';
import { formatShape } from '../../shape';
import { native } from '../../native';
import { expectArity } from '../../options';
import { RandomInitOptions } from './fill';

/** Options of orthogonal. */
export interface OrthogonalOptions extends RandomInitOptions {
  /** [1] the scale of the result (Saxe et al. suggest the nonlinearity's gain). */
  gain?: number;
}

/**
 * Fills `t` with a (semi-)orthogonal matrix times `gain`, as torch.nn.init.orthogonal_
 * (Saxe, McClelland & Ganguli 2013, "Exact solutions to the nonlinear dynamics of learning in
 * deep linear neural networks"). Dimensions past the first are flattened to (rows, cols);
 * a standard normal matrix is drawn, transposed when rows < cols, factorised by Householder
 * QR (Eigen), and Q's columns multiplied by sign(diag(R)) so that the result is uniformly
 * (Haar) distributed (Mezzadri 2007). Then W^T W = gain^2 I when rows >= cols, and
 * W W^T = gain^2 I otherwise.
 * @param t a tensor with at least 2 dimensions, filled in place.
 * @param opts `{ gain = 1, generator? }`
 * @returns t
 * @throws RangeError for fewer than 2 dimensions or a gain that is not finite in float32; TypeError for a
 *   non-number gain or a surplus argument (`init.orthogonal(w, 2)` is told to pass `{ gain: 2 }`).
 * @example nn.init.orthogonal(rnn.weight, { gain: nn.init.calculateGain('tanh') });
 */
export function orthogonal(t: Tensor, opts?: OrthogonalOptions): Tensor {
  const where = 'init.orthogonal';
  if (arguments.length > 1) expectArity(where, arguments, 1, true);
  checkTensor(where, 'tensor', t);
  const o = checkOptions(where, opts, ['gain', 'generator']);
  // float32 range: Q's entries times a gain of 1e39 overflow to Infinity.
  const gain = checkFloat32(where, 'gain', o.gain ?? 1);
  const g = generatorFrom(where, o);
  if (t.ndim < 2) throw rangeErrorText(where, 'a tensor with at least 2 dimensions', 'tensor', `shape ${formatShape(t.shape)}`);
  if (t.numel === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel / rows;
  native.orthogonal(t.data, rows, cols, gain, g.seed, g.take(t.numel));
  return t;
}
