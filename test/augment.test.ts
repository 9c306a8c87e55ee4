// The demo's random shifts, now data.transforms.RandomCrop(28, { padding }) applied per digit:
// each image moves by at most maxShift pixels, content intact, and the batches are identical
// to those of the batch-wise shift the demo used before (kept below as the reference).
import { Generator, Tensor, data, rand, tensor } from '../lib';
import { shiftDigits } from '../examples/mnist/augment';

/** The demo's former augmentation, verbatim: a whole batch (N, 784) shifted at once. */
function shiftBatch(x: Tensor, maxShift: number, generator: Generator): Tensor {
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

function findShift(src: Float32Array, dst: Float32Array, max: number): [number, number] | null {
  for (let dy = -max; dy <= max; dy++) {
    for (let dx = -max; dx <= max; dx++) {
      let ok = true;
      for (let y = 0; y < 28 && ok; y++) {
        for (let x = 0; x < 28 && ok; x++) {
          const sy = y - dy;
          const sx = x - dx;
          const want = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? src[sy * 28 + sx] : 0;
          if (dst[y * 28 + x] !== want) ok = false;
        }
      }
      if (ok) return [dx, dy];
    }
  }
  return null;
}

test('every image is its original shifted by at most maxShift, and shifts vary', () => {
  const x = rand([20, 784], { generator: new Generator(1) });
  const shift = shiftDigits(2, new Generator(2)) as (t: Tensor) => Tensor;
  const shifts = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const src = x.data.subarray(i * 784, (i + 1) * 784);
    const y = shift(new Tensor(src.slice(), [784]));
    expect(y.shape).toEqual([784]);
    const s = findShift(src, y.data, 2);
    expect(s).not.toBeNull();
    shifts.add(String(s));
  }
  expect(shifts.size).toBeGreaterThan(5);
});

test('maxShift 0 is the identity', () => {
  const x = tensor(Array.from({ length: 784 }, (_, i) => i % 7));
  expect(Array.from((shiftDigits(0, new Generator(0)) as (t: Tensor) => Tensor)(x).data)).toEqual(Array.from(x.data));
});

test('the demo pipeline (transform per sample) gives the same batches as the former batch-wise shift, epoch after epoch', () => {
  const n = 50;
  const x = rand([n, 784], { generator: new Generator(3) });
  const y = new Tensor(Float32Array.from({ length: n }, (_, i) => i % 10), [n]);
  const before = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 16, shuffle: true, generator: new Generator(1) });
  const shiftGen = new Generator(2);
  const now = new data.DataLoader(new data.TensorDataset(x, y, { transform: shiftDigits(2, new Generator(2)) }), { batchSize: 16, shuffle: true, generator: new Generator(1) });
  for (let epoch = 0; epoch < 3; epoch++) {
    const a = [...before].map(([bx, by]) => [shiftBatch(bx, 2, shiftGen), by]);
    const b = [...now];
    expect(b.length).toBe(a.length);
    b.forEach(([bx, by], i) => {
      expect(bx.shape).toEqual(a[i][0].shape);
      expect(Array.from(bx.data)).toEqual(Array.from(a[i][0].data));
      expect(Array.from(by.data)).toEqual(Array.from(a[i][1].data));
    });
  }
});
