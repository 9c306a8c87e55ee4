// Fan-in and fan-out of a weight, shared by the Xavier and Kaiming initialisers and by layers'
// default initialisation (torch.nn.init._calculate_fan_in_and_fan_out).
import { Tensor, checkTensor } from '../../tensor';
import { checkChoice } from '../../errors';
import { rangeErrorText } from '../../errors';
import { formatShape } from '../../shape';

/** Which fan a Kaiming initialiser preserves: the forward pass's ('fan_in') or the backward's. */
export type FanMode = 'fan_in' | 'fan_out';
export const FAN_MODES: readonly FanMode[] = ['fan_in', 'fan_out'];

/**
 * [fanIn, fanOut] of a weight in PyTorch's layout (out, in, ...receptive field):
 * fanIn = in * prod(receptive field), fanOut = out * prod(receptive field).
 * @throws RangeError for a tensor with fewer than 2 dimensions.
 */
export function fanInAndOut(where: string, t: Tensor): [number, number] {
  checkTensor(where, 'tensor', t);
  if (t.ndim < 2) {
    throw rangeErrorText(
      where, 'a tensor with at least 2 dimensions (out, in, ...)', 'tensor', `shape ${formatShape(t.shape)} (fan in and fan out cannot be computed)`,
    );
  }
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** The fan that `mode` names ('fan_in' or 'fan_out'). */
export function fanOf(where: string, t: Tensor, mode: unknown): number {
  const m = checkChoice(where, 'mode', mode, FAN_MODES);
  const [fanIn, fanOut] = fanInAndOut(where, t);
  return m === 'fan_in' ? fanIn : fanOut;
}
