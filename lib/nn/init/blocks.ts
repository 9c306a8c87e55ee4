// Orthogonal initialisation per row block: the recurrent weights of RNN/LSTM/GRU stack one
// (H, H) matrix per gate, and each should be orthogonal on its own.
import { Tensor, checkTensor } from '../../tensor';
import { generatorFrom } from '../../random';
import { checkFloat32, checkInt, checkOptions } from '../../errors';
import { formatShape } from '../../shape';
import { native } from '../../native';
import { expectArity } from '../../options';
import { OrthogonalOptions } from './orthogonal';
import { rangeError, rangeErrorText } from '../../errors';

/**
 * Fills each of `blocks` equal row blocks of a 2-D tensor with its own (semi-)orthogonal matrix
 * times `gain`, as torch.nn.init.orthogonal_ applied to `t[k*R:(k+1)*R]` for k = 0 .. blocks-1
 * (R = rows / blocks; Saxe, McClelland & Ganguli 2013; QR with Mezzadri's 2007 sign fix). For a
 * recurrent layer's weight_hh, (G * H, H) with G gates, `blocks = G` makes every gate's (H, H)
 * block orthogonal: block^T block = gain^2 I. The blocks draw one after another from the generator.
 * @param t a 2-D tensor whose row count `blocks` divides, filled in place.
 * @param blocks the number of row blocks (4 for LSTM, 3 for GRU, 1 for RNN).
 * @param opts `{ gain = 1, generator? }`
 * @returns t
 * @throws TypeError for a non-Tensor, a non-number blocks or gain, an unknown option or a
 *   surplus argument; RangeError for a tensor that is not 2-D, a blocks that is not a positive
 *   integer dividing the rows, or a gain that is not finite in float32.
 * @example nn.init.orthogonalBlocks(lstm.allWeights[0][1], 4); // weight_hh_l0, per gate
 */
export function orthogonalBlocks(t: Tensor, blocks: number, opts?: OrthogonalOptions): Tensor {
  const where = 'init.orthogonalBlocks';
  if (arguments.length > 2) expectArity(where, arguments, 2, true);
  checkTensor(where, 'tensor', t);
  const k = checkInt(where, 'blocks', blocks, 1, 2 ** 31 - 1);
  const o = checkOptions(where, opts, ['gain', 'generator']);
  const gain = checkFloat32(where, 'gain', o.gain ?? 1);
  const g = generatorFrom(where, o);
  if (t.ndim !== 2) throw rangeErrorText(where, 'a 2-D tensor', 'tensor', `shape ${formatShape(t.shape)}`);
  const [rows, cols] = t.shape;
  if (rows % k !== 0) throw rangeError(where, `a divisor of the ${rows} rows of tensor`, 'blocks', k);
  const R = rows / k;
  if (t.numel === 0) return t;
  for (let b = 0; b < k; b++) {
    // Rows are contiguous: block b is one slice of the buffer, filled in place.
    const block = t.data.subarray(b * R * cols, (b + 1) * R * cols);
    native.orthogonal(block, R, cols, gain, g.seed, g.take(block.length));
  }
  return t;
}
