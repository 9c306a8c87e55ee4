// Random translations of 28x28 digits, the classic MNIST augmentation (Simard et al. 2003
// used elastic distortions; shifts of a couple of pixels give most of the gain). With only
// 8,000 training digits, the CNN otherwise starts to memorise them after a few epochs.
import { Tensor } from '../../lib/tensor';
import { Generator } from '../../lib/random';
import type { Batches } from '../../lib/trainer';

/** Shifts each image of x (N, 784) by up to `maxShift` pixels in each direction, zero-filling. */
export function shiftBatch(x: Tensor, maxShift: number, generator: Generator): Tensor {
  const n = x.shape[0];
  const src = x.data;
  const out = new Float32Array(src.length);
  const r = generator.fillUniform(new Float32Array(2 * n));
  const span = 2 * maxShift + 1;
  for (let s = 0; s < n; s++) {
    const dx = Math.floor(r[2 * s] * span) - maxShift;
    const dy = Math.floor(r[2 * s + 1] * span) - maxShift;
    const base = s * 784;
    for (let yy = Math.max(0, dy); yy < Math.min(28, 28 + dy); yy++) {
      const from = base + (yy - dy) * 28;
      const to = base + yy * 28;
      const x0 = Math.max(0, dx);
      const x1 = Math.min(28, 28 + dx);
      out.set(src.subarray(from + x0 - dx, from + x1 - dx), to + x0);
    }
  }
  return new Tensor(out, x.shape.slice());
}

/** The batches of `loader`, with every input randomly shifted (a fresh shift each epoch). */
export function shifted(loader: Batches & { length: number }, maxShift: number, generator: Generator): Batches {
  return {
    length: loader.length,
    *[Symbol.iterator]() {
      for (const [x, y] of loader) yield [shiftBatch(x, maxShift, generator), y] as [Tensor, Tensor];
    },
  };
}
