// data.transforms: Normalize against PyTorch (test/fixtures/data.json, from gen_data.py),
// Compose's order, and RandomCrop / RandomHorizontalFlip: seeded determinism and properties.
import { Generator, Tensor, data, rand, tensor } from '../lib';
import { expectError, loadFixture } from './helpers';

const { Normalize, Compose, RandomCrop, RandomHorizontalFlip } = data.transforms;

describe('Normalize', () => {
  const fixture = loadFixture<{ normalize: { name: string; shape: number[]; x: number[]; mean: number[]; std: number[]; y: number[] }[] }>('data');

  test('equals torch: (x - mean[:, None, None]) / std[:, None, None] in float32, bit for bit', () => {
    for (const c of fixture.normalize) {
      // torch: y = (x - m.view(-1, 1, 1)) / s.view(-1, 1, 1)   (a flat sample: (x - m) / s)
      const x = new Tensor(Float32Array.from(c.x), c.shape);
      const norm = c.mean.length === 1 ? new Normalize(c.mean[0], c.std[0]) : new Normalize(c.mean, c.std);
      const y = norm.forward(x);
      expect(y.shape).toEqual(c.shape);
      expect([c.name, Array.from(y.data)]).toEqual([c.name, Array.from(Float32Array.from(c.y))]);
      expect(Array.from(x.data)).toEqual(Array.from(Float32Array.from(c.x)));
    }
  });

  test('single-element arrays act as scalars; a mean array with a scalar std broadcasts', () => {
    const x = tensor([[[1, 2]], [[3, 4]]]);
    expect(Array.from(new Normalize([1], [2]).forward(x).data)).toEqual([0, 0.5, 1, 1.5]);
    expect(Array.from(new Normalize([1, 3], 2).forward(x).data)).toEqual([0, 0.5, 0, 0.5]);
    expect(new Normalize(0, 1).forward(tensor([])).shape).toEqual([0]);
  });

  test('errors: zero std, mismatched lengths and channels, bad types', () => {
    expectError(() => new Normalize(0, 0), 'RangeError', /Normalize: expected a non-zero standard deviation \(it divides\) for std, got 0/);
    expectError(() => new Normalize([0, 0], [1, 0]), 'RangeError', /for std\[1\], got 0/);
    expectError(() => new Normalize([0, 0], [1, 1, 1]), 'RangeError', /Normalize: expected mean and std of the same length .* got \[0, 0\] and \[1, 1, 1\]/);
    expectError(() => new Normalize('0' as never, 1), 'TypeError', /Normalize: expected a number or a non-empty array of numbers for mean, got '0'/);
    expectError(() => new Normalize([], 1), 'TypeError', /for mean, got \[\]/);
    expectError(() => new Normalize([0, NaN], 1), 'RangeError', /expected a finite number for mean\[1\], got NaN/);
    const three = new Normalize([0, 0, 0], [1, 1, 1]);
    expectError(() => three.forward(rand([2, 4, 4])), 'RangeError', /Normalize.forward: expected a Tensor of shape \(\.\.\., 3, H, W\) .* for x, got shape \[2, 4, 4\]/);
    expectError(() => three.forward(rand([12])), 'RangeError', /got shape \[12\]/);
    expectError(() => three.forward([1, 2] as never), 'TypeError', /Normalize.forward: expected a Tensor for x, got \[1, 2\]/);
  });
});

describe('Compose', () => {
  test('applies the transforms in order, functions and objects alike', () => {
    const order: string[] = [];
    const add1 = (x: Tensor) => (order.push('add1'), x.add(1));
    const double = { forward: (x: Tensor) => (order.push('double'), x.mul(2)) };
    expect(Array.from(new Compose([add1, double]).forward(tensor([1, 2])).data)).toEqual([4, 6]);
    expect(Array.from(new Compose([double, add1]).forward(tensor([1, 2])).data)).toEqual([3, 5]);
    expect(order).toEqual(['add1', 'double', 'double', 'add1']);
    expect(Array.from(new Compose([]).forward(tensor([7])).data)).toEqual([7]);
    const nested = new Compose([new Compose([add1]), new Normalize(1, 0.5)]);
    expect(Array.from(nested.forward(tensor([1])).data)).toEqual([2]);
  });

  test('errors: not an array, an entry that is not a transform, a transform returning no Tensor', () => {
    expectError(() => new Compose(5 as never), 'TypeError', /Compose: expected an array of transforms for transforms, got 5/);
    expectError(() => new Compose([(x: Tensor) => x, 'flip' as never]), 'TypeError', /Compose: expected a transform .* for transforms\[1\], got 'flip'/);
    expectError(() => new Compose([() => null as never]).forward(tensor([1])), 'TypeError', /Compose.forward: expected transforms\[0\] to return a Tensor for transforms\[0\]\(x\), got null/);
  });
});

/** Where `out` (h, w) sits in x (H, W) zero-padded by p: the [top, left] offsets that reproduce it. */
function offsetsOf(x: Float32Array, H: number, W: number, out: Float32Array, h: number, w: number, p: number): [number, number][] {
  const found: [number, number][] = [];
  for (let top = 0; top <= H + 2 * p - h; top++) {
    for (let left = 0; left <= W + 2 * p - w; left++) {
      let ok = true;
      for (let i = 0; i < h && ok; i++) {
        for (let j = 0; j < w && ok; j++) {
          const sy = i + top - p;
          const sx = j + left - p;
          const want = sy >= 0 && sy < H && sx >= 0 && sx < W ? x[sy * W + sx] : 0;
          if (out[i * w + j] !== want) ok = false;
        }
      }
      if (ok) found.push([top, left]);
    }
  }
  return found;
}

describe('RandomCrop', () => {
  test('each crop is a window of the zero-padded image; every offset occurs; channels share the window', () => {
    const x = rand([2, 5, 6], { generator: new Generator(4) }).add(1); // no zeros, so offsets are unambiguous
    const crop = new RandomCrop([4, 3], { padding: 1, generator: new Generator(0) });
    const seen = new Set<string>();
    for (let t = 0; t < 400; t++) {
      const y = crop.forward(x);
      expect(y.shape).toEqual([2, 4, 3]);
      const o0 = offsetsOf(x.data.subarray(0, 30), 5, 6, y.data.subarray(0, 12), 4, 3, 1);
      const o1 = offsetsOf(x.data.subarray(30), 5, 6, y.data.subarray(12), 4, 3, 1);
      expect(o0.length).toBe(1);
      expect(o1).toEqual(o0);
      seen.add(String(o0[0]));
    }
    // (5 + 2 - 4 + 1) x (6 + 2 - 3 + 1) = 4 x 6 positions, each with probability 1/24: all seen in 400 draws (miss chance < 1e-6).
    expect(seen.size).toBe(24);
  });

  test('seeded: the same generator replays the crops; two values drawn per sample', () => {
    const x = rand([1, 8, 8], { generator: new Generator(1) });
    const run = (seed: number) => {
      const g = new Generator(seed);
      const crop = new RandomCrop(6, { padding: 2, generator: g });
      const outs = Array.from({ length: 5 }, () => Array.from(crop.forward(x).data));
      return { outs, offset: g.offset };
    };
    const a = run(5);
    expect(run(5)).toEqual(a);
    expect(a.offset).toBe(10);
    expect(run(6).outs).not.toEqual(a.outs);
  });

  test('padding forms: 2 values (left/right, top/bottom) and 4 (left, top, right, bottom); (H, W) input; crop of the full size is the identity', () => {
    expect(new RandomCrop(3, { padding: [1, 2] }).padding).toEqual([1, 2, 1, 2]);
    expect(new RandomCrop(3, { padding: [1, 2, 3, 4] }).padding).toEqual([1, 2, 3, 4]);
    // Only left padding of 2 and crop width 3 on width 1: the column of x must land at the right edge.
    const col = tensor([[5], [6]]);
    const y = new RandomCrop([2, 3], { padding: [2, 0, 0, 0], generator: new Generator(0) }).forward(col);
    expect(Array.from(y.data)).toEqual([0, 0, 5, 0, 0, 6]);
    const x = rand([4, 5]);
    expect(Array.from(new RandomCrop([4, 5]).forward(x).data)).toEqual(Array.from(x.data));
  });

  test('errors', () => {
    expectError(() => new RandomCrop(0), 'RangeError', /RandomCrop: expected an integer >= 1 for size, got 0/);
    expectError(() => new RandomCrop([2, 2.5] as never), 'RangeError', /for size\[1\], got 2.5/);
    expectError(() => new RandomCrop('28' as never), 'TypeError', /RandomCrop: expected a positive integer or \[h, w\] for size, got '28'/);
    expectError(() => new RandomCrop(2, { padding: -1 }), 'RangeError', /RandomCrop: expected a non-negative integer for padding, got -1/);
    expectError(() => new RandomCrop(2, { padding: [1, 2, 3] }), 'TypeError', /expected a non-negative integer or an array of 2 or 4 for padding, got \[1, 2, 3\]/);
    expectError(() => new RandomCrop(2, { generator: 3 as never }), 'TypeError', /RandomCrop: expected a Generator for generator, got 3/);
    expectError(() => new RandomCrop(2, { pad: 1 } as never), 'TypeError', /expected an option among padding, generator for option name, got 'pad'/);
    expectError(() => new RandomCrop(5, { padding: 1 }).forward(rand([1, 2, 3])), 'RangeError', /RandomCrop.forward: expected a crop size \[5, 5\] no larger than the padded sample \[4, 5\] for x, got shape \[1, 2, 3\]/);
    expectError(() => new RandomCrop(1).forward(rand([4])), 'RangeError', /RandomCrop.forward: expected a Tensor of shape \(\.\.\., H, W\) for x, got shape \[4\]/);
  });
});

describe('RandomHorizontalFlip', () => {
  test('flips the last dimension with probability p (u < p), else returns x; seeded', () => {
    const x = tensor([[[1, 2, 3], [4, 5, 6]]]);
    const always = new RandomHorizontalFlip({ p: 1 }).forward(x);
    expect(always.shape).toEqual([1, 2, 3]);
    expect(Array.from(always.data)).toEqual([3, 2, 1, 6, 5, 4]);
    expect(new RandomHorizontalFlip({ p: 0 }).forward(x)).toBe(x);
    const g = new Generator(9);
    const u = new Generator(9).fillUniform(new Float32Array(200));
    const flip = new RandomHorizontalFlip({ generator: g });
    expect(flip.p).toBe(0.5);
    let flips = 0;
    for (let t = 0; t < 200; t++) {
      const flipped = flip.forward(x) !== x;
      expect(flipped).toBe(u[t] < 0.5);
      flips += flipped ? 1 : 0;
    }
    // Binomial(200, 0.5): sd 7.1; 5 sd.
    expect(Math.abs(flips - 100)).toBeLessThan(36);
    expect(g.offset).toBe(200);
  });

  test('errors', () => {
    expectError(() => new RandomHorizontalFlip({ p: 1.5 }), 'RangeError', /RandomHorizontalFlip: expected a number in \[0, 1\] for p, got 1.5/);
    expectError(() => new RandomHorizontalFlip({ p: '0.5' as never }), 'TypeError', /expected a number for p, got '0.5'/);
    expectError(() => new RandomHorizontalFlip({ prob: 0.5 } as never), 'TypeError', /option name, got 'prob'/);
    expectError(() => new RandomHorizontalFlip().forward(tensor([1, 2])), 'RangeError', /RandomHorizontalFlip.forward: expected a Tensor of shape \(\.\.\., H, W\) for x, got shape \[2\]/);
  });
});

test('a transform pipeline on a TensorDataset: Compose([RandomCrop, RandomHorizontalFlip, Normalize]) per sample', () => {
  const x = rand([6, 1, 4, 4], { generator: new Generator(2) });
  const y = tensor([0, 1, 2, 3, 4, 5]);
  const make = () =>
    new data.TensorDataset(x, y, {
      transform: new Compose([new RandomCrop(4, { padding: 1, generator: new Generator(1) }), new RandomHorizontalFlip({ generator: new Generator(2) }), new Normalize(0.5, 0.25)]),
    });
  const batches = (d: data.TensorDataset) => [...new data.DataLoader(d, { batchSize: 3 })].map(([bx]) => Array.from(bx.data));
  const a = make();
  const e1 = batches(a);
  expect(batches(make())).toEqual(e1);
  expect(batches(a)).not.toEqual(e1); // a fresh draw each epoch
  expect([...new data.DataLoader(a, { batchSize: 3 })][0][0].shape).toEqual([3, 1, 4, 4]);
});
