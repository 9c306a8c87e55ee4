// The demo's random shifts: each image moves by at most maxShift pixels, content intact.
import { Generator, rand, tensor } from '../lib';
import { shiftBatch } from '../examples/mnist/augment';

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
  const y = shiftBatch(x, 2, new Generator(2));
  expect(y.shape).toEqual([20, 784]);
  const shifts = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const s = findShift(x.data.subarray(i * 784, (i + 1) * 784), y.data.subarray(i * 784, (i + 1) * 784), 2);
    expect(s).not.toBeNull();
    shifts.add(String(s));
  }
  expect(shifts.size).toBeGreaterThan(5);
});

test('maxShift 0 is the identity', () => {
  const x = tensor(Array.from({ length: 784 * 2 }, (_, i) => i % 7), { shape: [2, 784] });
  expect(Array.from(shiftBatch(x, 0, new Generator(0)).data)).toEqual(Array.from(x.data));
});
