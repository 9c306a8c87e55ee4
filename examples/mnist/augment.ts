// Random translations of 28x28 digits, the classic MNIST augmentation (Simard et al. 2003
// used elastic distortions; shifts of a couple of pixels give most of the gain). With only
// 8,000 training digits, the CNN otherwise starts to memorise them after a few epochs.
// The shift is data.transforms.RandomCrop(28, { padding: maxShift }) on each flat digit.
import { Tensor } from '../../lib/tensor';
import { Generator } from '../../lib/random';
import { RandomCrop, Transform } from '../../lib/data/transforms';

/** A per-sample transform shifting a flat (784,) digit by up to `maxShift` pixels each way, zero-filling. */
export function shiftDigits(maxShift: number, generator: Generator): Transform {
  const crop = new RandomCrop(28, { padding: maxShift, generator });
  return (x: Tensor) => {
    const out = crop.forward(new Tensor(x.data, [1, 28, 28]));
    return new Tensor(out.data, [784]);
  };
}
