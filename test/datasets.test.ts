// Dataset and IterableDataset base classes, Subset, ConcatDataset, randomSplit (torch 1.13's
// random_split sizes from test/fixtures/data.json), collateFn, and per-sample transforms on a
// TensorDataset, against PyTorch's semantics.
import { Generator, Tensor, data, tensor } from '../lib';
import { randperm } from '../lib/data/randperm';
import { expectError, loadFixture } from './helpers';

const { TensorDataset, DataLoader, Subset, ConcatDataset, randomSplit } = data;

/** x row i is [10i, 10i+1]; y[i] = i. */
function ds(n: number, offset = 0) {
  const x = new Float32Array(n * 2).map((_, k) => 10 * (Math.floor(k / 2) + offset) + (k % 2));
  return new TensorDataset(new Tensor(x, [n, 2]), new Tensor(new Float32Array(n).map((_, i) => i + offset), [n]));
}
const idOf = ([, y]: [Tensor, Tensor]) => y.item();

class Squares extends data.Dataset<[Tensor, number]> {
  constructor(readonly length: number) {
    super();
  }
  get(i: number): [Tensor, number] {
    return [tensor([i, -i]), i * i];
  }
}

class Stream extends data.IterableDataset<[Tensor, Tensor]> {
  passes = 0;
  constructor(readonly n: number) {
    super();
  }
  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    this.passes++;
    for (let i = 0; i < this.n; i++) yield [tensor([i]), tensor(i % 3)];
  }
}

describe('Dataset and IterableDataset', () => {
  test('a Dataset subclass with number targets: the default collate makes (B,) target tensors', () => {
    const d = new Squares(5);
    expect(d).toBeInstanceOf(data.Dataset);
    const batches = [...new DataLoader(d, { batchSize: 2 })];
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([[[2, 2], [2]], [[2, 2], [2]], [[1, 2], [1]]]);
    expect(batches.flatMap(([, y]) => Array.from(y.data))).toEqual([0, 1, 4, 9, 16]);
  });

  test('DataLoader over an IterableDataset: batches in iteration order, a fresh pass per epoch, dropLast', () => {
    const s = new Stream(7);
    const loader = new DataLoader(s, { batchSize: 3 });
    expect(loader.length).toBeUndefined();
    for (let epoch = 0; epoch < 2; epoch++) {
      const batches = [...loader];
      expect(batches.map(([x]) => x.shape)).toEqual([[3, 1], [3, 1], [1, 1]]);
      expect(batches.flatMap(([x]) => Array.from(x.data))).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(batches.flatMap(([, y]) => Array.from(y.data))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    }
    expect(s.passes).toBe(2);
    expect([...new DataLoader(s, { batchSize: 3, dropLast: true })].length).toBe(2);
    expect([...new DataLoader(new Stream(0), { batchSize: 3 })]).toEqual([]);
  });

  test('IterableDataset errors: shuffle (as PyTorch), samples the collate cannot batch name their position', () => {
    expectError(() => new DataLoader(new Stream(3), { shuffle: true }), 'RangeError', /DataLoader: expected false with an IterableDataset \(it has no indices to permute\) for shuffle, got true/);
    class Bad extends data.IterableDataset<unknown> {
      *[Symbol.iterator]() {
        yield [tensor([1]), tensor(0)];
        yield [tensor([1]), tensor(0)];
        yield 'row';
      }
    }
    expectError(() => [...new DataLoader(new Bad(), { batchSize: 2 })], 'TypeError', /DataLoader: expected a sample \[input, target\] of Tensors or numbers for sample 2, got 'row'/);
    expectError(() => new ConcatDataset([new Stream(2) as unknown as data.Dataset]), 'TypeError', /ConcatDataset: expected a map-style dataset \(ConcatDataset does not support IterableDataset\) for datasets\[0\], got a Stream/);
  });
});

describe('collateFn', () => {
  test('receives the list of samples (in the loader order) and its result is the batch', () => {
    const seen: number[][] = [];
    const loader = new DataLoader(ds(5), {
      batchSize: 2,
      collateFn: (samples: [Tensor, Tensor][]) => {
        seen.push(samples.map(idOf));
        return { ids: samples.map(idOf), count: samples.length };
      },
    });
    expect([...loader]).toEqual([{ ids: [0, 1], count: 2 }, { ids: [2, 3], count: 2 }, { ids: [4], count: 1 }]);
    expect(seen).toEqual([[0, 1], [2, 3], [4]]);
    // Shuffled: the samples arrive in the permutation's order, so the default and a user collate agree.
    const a = [...new DataLoader(ds(9), { batchSize: 4, shuffle: true, generator: new Generator(3) })].flatMap(([, y]) => Array.from(y.data));
    const b = [...new DataLoader(ds(9), { batchSize: 4, shuffle: true, generator: new Generator(3), collateFn: (s: [Tensor, Tensor][]) => s.map(idOf) })].flat();
    expect(b).toEqual(a);
    // data.defaultCollate inside a user collate gives the default batches.
    const c = [...new DataLoader(ds(5), { batchSize: 2, collateFn: data.defaultCollate })];
    expect(c.map(([x]) => Array.from(x.data))).toEqual([[0, 1, 10, 11], [20, 21, 30, 31], [40, 41]]);
  });

  test('defaultCollate and collateFn errors', () => {
    expectError(() => new DataLoader(ds(2), { collateFn: 5 as never }), 'TypeError', /DataLoader: expected a function of the list of samples for collateFn, got 5/);
    expectError(() => data.defaultCollate([]), 'RangeError', /data.defaultCollate: expected at least one sample for samples, got \[\]/);
    expectError(() => data.defaultCollate('ab' as never), 'TypeError', /expected an array of samples for samples, got 'ab'/);
    expectError(() => data.defaultCollate([[tensor([1]), 0], [tensor([1, 2]), 0]]), 'RangeError', /shapes of the first \(x \[1\], y \[\]\) for samples\[1\], got x \[2\], y \[\]/);
    expectError(() => data.defaultCollate([[tensor([1])]] as never), 'TypeError', /for samples\[0\], got an array of length 1/);
  });
});

describe('Subset', () => {
  test('get(i) is dataset.get(indices[i]); negative i from the end, as PyTorch lists', () => {
    const s = new Subset(ds(6), [5, 0, 3]);
    expect(s.length).toBe(3);
    expect([0, 1, 2, -1, -3].map((i) => idOf(s.get(i)))).toEqual([5, 0, 3, 3, 5]);
    expect(idOf(new Subset(ds(6), [-1]).get(0))).toBe(5);
    expect(idOf(new Subset(ds(6), Int32Array.from([2])).get(0))).toBe(2);
    expect([...new DataLoader(s, { batchSize: 2 })].flatMap(([, y]) => Array.from(y.data))).toEqual([5, 0, 3]);
    expect(new Subset(ds(3), []).length).toBe(0);
  });

  test('errors: out-of-range and fractional indices, bad datasets', () => {
    const s = new Subset(ds(6), [5, 0, 3]);
    expectError(() => s.get(3), 'RangeError', /Subset.get: expected an integer in \[-3, 2\] for i, got 3/);
    expectError(() => s.get(-4), 'RangeError', /Subset.get: expected an integer in \[-3, 2\] for i, got -4/);
    expectError(() => s.get(0.5), 'RangeError', /for i, got 0.5/);
    expectError(() => new Subset(ds(6), [1, 6]), 'RangeError', /Subset: expected an integer in \[-6, 5\] for indices\[1\], got 6/);
    expectError(() => new Subset(ds(6), [1, '2'] as never), 'TypeError', /Subset: expected an integer for indices\[1\], got '2'/);
    expectError(() => new Subset(ds(6), 3 as never), 'TypeError', /Subset: expected an array of integer indices for indices, got 3/);
    expectError(() => new Subset({} as never, [0]), 'TypeError', /Subset: expected a dataset \(an object with length and get\(i\)\) for dataset, got an object/);
  });
});

describe('ConcatDataset', () => {
  test('indices run through each dataset in turn; cumulativeSizes; negative indices from the end', () => {
    const c = new ConcatDataset([ds(3), ds(0, 100), ds(2, 10)]);
    expect(c.length).toBe(5);
    expect(c.cumulativeSizes).toEqual([3, 3, 5]);
    expect([0, 1, 2, 3, 4, -1, -5].map((i) => idOf(c.get(i)))).toEqual([0, 1, 2, 10, 11, 11, 0]);
    const batches = [...new DataLoader(c, { batchSize: 2 })];
    expect(batches.flatMap(([x]) => Array.from(x.data))).toEqual([0, 1, 10, 11, 20, 21, 100, 101, 110, 111]);
  });

  test('errors: out of range, empty, not datasets', () => {
    const c = new ConcatDataset([ds(3), ds(2)]);
    expectError(() => c.get(5), 'RangeError', /ConcatDataset.get: expected an integer in \[-5, 4\] for i, got 5/);
    expectError(() => c.get(-6), 'RangeError', /for i, got -6/);
    expectError(() => new ConcatDataset([]), 'RangeError', /ConcatDataset: expected a non-empty array of datasets for datasets, got \[\]/);
    expectError(() => new ConcatDataset(ds(2) as never), 'TypeError', /ConcatDataset: expected an array of datasets for datasets, got a TensorDataset/);
    expectError(() => new ConcatDataset([ds(2), 5 as never]), 'TypeError', /expected a dataset \(an object with length and get\(i\)\) for datasets\[1\], got 5/);
    expectError(() => new ConcatDataset([{ length: -1, get: () => [tensor(1), tensor(1)] }]), 'RangeError', /for datasets\[0\].length, got -1/);
  });
});

describe('randomSplit', () => {
  interface SplitCase {
    n: number;
    lengths: number[];
    sizes: number[];
  }
  const fixture = loadFixture<{ split: SplitCase[]; split_errors: { n: number; lengths: number[]; error: string }[] }>('data');

  test('sizes as torch 1.13: integers as given, fractions floored with the remainder round-robin', () => {
    for (const { n, lengths, sizes } of fixture.split) {
      // torch: random_split(range(n), lengths)
      const parts = randomSplit(ds(n), lengths, { generator: new Generator(0) });
      expect([lengths, parts.map((p) => p.length)]).toEqual([lengths, sizes]);
    }
  });

  test('disjoint and covering; split k is the permutation run [offset_k, offset_k + len_k), as torch slices its randperm', () => {
    for (const { n, lengths, sizes } of fixture.split) {
      const parts = randomSplit(ds(n), lengths, { generator: new Generator(11) });
      const perm = Array.from(randperm(n, new Generator(11)));
      let offset = 0;
      parts.forEach((p, k) => {
        expect(p.indices).toEqual(perm.slice(offset, offset + sizes[k]));
        expect(p.dataset).toBeInstanceOf(TensorDataset);
        offset += sizes[k];
      });
      const all = parts.flatMap((p) => Array.from({ length: p.length }, (_, i) => idOf(p.get(i))));
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // Seeded: the same generator state gives the same split; another seed another split.
    const a = randomSplit(ds(20), [0.5, 0.5], { generator: new Generator(1) })[0].indices;
    expect(randomSplit(ds(20), [0.5, 0.5], { generator: new Generator(1) })[0].indices).toEqual(a);
    expect(randomSplit(ds(20), [0.5, 0.5], { generator: new Generator(2) })[0].indices).not.toEqual(a);
  });

  test('errors: the lengths torch refuses, and bad arguments', () => {
    for (const { n, lengths, error } of fixture.split_errors) {
      // torch raised: error
      let caught: Error | null = null;
      try {
        randomSplit(ds(n), lengths);
      } catch (e) {
        caught = e as Error;
      }
      expect([lengths, caught?.name, error]).toEqual([lengths, 'RangeError', error]);
    }
    expectError(() => randomSplit(ds(10), [3, 6]), 'RangeError', /data.randomSplit: expected sizes summing to the dataset's length 10 \(or fractions summing to 1\) for lengths, got \[3, 6\]/);
    expectError(() => randomSplit(ds(10), [1.2, -0.2]), 'RangeError', /data.randomSplit: expected a fraction in \[0, 1\] for lengths\[0\], got 1.2/);
    expectError(() => randomSplit(ds(10), [12, -2]), 'RangeError', /data.randomSplit: expected a non-negative integer for lengths\[1\], got -2/);
    expectError(() => randomSplit(ds(10), [0.5, 0.4]), 'RangeError', /expected a non-negative integer for lengths\[0\], got 0.5/);
    expectError(() => randomSplit(ds(10), [5, NaN]), 'RangeError', /expected a finite number for lengths\[1\], got NaN/);
    expectError(() => randomSplit(ds(10), [5, '5'] as never), 'TypeError', /expected a number for lengths\[1\], got '5'/);
    expectError(() => randomSplit(ds(10), 10 as never), 'TypeError', /expected an array of lengths or fractions for lengths, got 10/);
    expectError(() => randomSplit(ds(10), [10], { generator: 1 } as never), 'TypeError', /data.randomSplit: expected a Generator for generator, got 1/);
    expectError(() => randomSplit(ds(10), [10], { seed: 1 } as never), 'TypeError', /expected an option among generator for option name, got 'seed'/);
    expectError(() => randomSplit(null as never, [1]), 'TypeError', /data.randomSplit: expected a dataset .* for dataset, got null/);
  });
});

describe('TensorDataset transforms', () => {
  test('transform and targetTransform run per sample on each read; the loader batches the results', () => {
    const calls: number[] = [];
    const d = new TensorDataset(ds(4).x, ds(4).y, {
      transform: (x: Tensor) => {
        calls.push(x.data[0]);
        return x.mul(2);
      },
      targetTransform: { forward: (y: Tensor) => y.add(100) },
    });
    expect(Array.from(d.get(1)[0].data)).toEqual([20, 22]);
    expect(d.get(-1)[1].item()).toBe(103);
    const [[x, y]] = [...new DataLoader(d, { batchSize: 4 })];
    expect(Array.from(x.data)).toEqual([0, 2, 20, 22, 40, 42, 60, 62]);
    expect(Array.from(y.data)).toEqual([100, 101, 102, 103]);
    expect(calls).toEqual([10, 30, 0, 10, 20, 30]);
    expect(String(d)).toBe('TensorDataset(x=[4, 2], y=[4], transform)');
  });

  test('errors: a transform that is not one, or that returns no Tensor; unknown options', () => {
    const { x, y } = ds(2);
    expectError(() => new TensorDataset(x, y, { transform: 5 as never }), 'TypeError', /TensorDataset: expected a transform \(a function of a Tensor or an object with forward\(x\)\) for transform, got 5/);
    expectError(() => new TensorDataset(x, y, { targetTransform: {} as never }), 'TypeError', /for targetTransform, got an object/);
    expectError(() => new TensorDataset(x, y, { transfrom: () => x } as never), 'TypeError', /expected an option among transform, targetTransform for option name, got 'transfrom'/);
    const bad = new TensorDataset(x, y, { transform: (() => 3) as never });
    expectError(() => bad.get(0), 'TypeError', /TensorDataset.get: expected transform to return a Tensor for transform\(x\), got 3/);
  });
});
