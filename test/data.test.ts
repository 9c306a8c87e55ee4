// TensorDataset and DataLoader: shapes, order, seeded shuffling, dropLast, errors.
import { Generator, Tensor, arange, data, randn, tensor } from '../lib';
import { expectError } from './helpers';

const { TensorDataset, DataLoader } = data;

/** x row i is [10i, 10i+1, 10i+2]; y[i] = i % 4, so each batch can be checked row by row. */
function ds(n: number) {
  const x = new Float32Array(n * 3).map((_, k) => 10 * Math.floor(k / 3) + (k % 3));
  return new TensorDataset(new Tensor(x, [n, 3]), new Tensor(new Float32Array(n).map((_, i) => i % 4), [n]));
}

function rowIds(x: Tensor): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.shape[0]; r++) out.push(x.data[r * 3] / 10);
  return out;
}

describe('TensorDataset', () => {
  test('length and get(i) return copies of row i (negative i from the end)', () => {
    const d = ds(5);
    expect(d.length).toBe(5);
    const [x, y] = d.get(2);
    expect(x.shape).toEqual([3]);
    expect(Array.from(x.data)).toEqual([20, 21, 22]);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(2);
    x.data[0] = -1;
    expect(d.x.data[6]).toBe(20);
    expect(Array.from(d.get(-1)[0].data)).toEqual([40, 41, 42]);
  });

  test('errors: mismatched first dimensions name both shapes; wrong types; index out of range', () => {
    expectError(() => new TensorDataset(randn([4, 3]), randn([5])), 'RangeError', /TensorDataset: expected the same first dimension for x and y, got x of shape \[4, 3\] and y of shape \[5\]/);
    expectError(() => new TensorDataset(randn([4, 3]), tensor(1)), 'RangeError', /y of shape \[\]/);
    expectError(() => new TensorDataset([[1]] as unknown as Tensor, randn([1])), 'TypeError', /TensorDataset: expected a Tensor for x, got an array/);
    expectError(() => new TensorDataset(randn([1]), null as unknown as Tensor), 'TypeError', /for y, got null/);
    expectError(() => ds(3).get(3), 'RangeError', /TensorDataset.get: expected an integer in \[-3, 2\] for i, got 3/);
    expectError(() => ds(3).get(0.5), 'RangeError', /for i, got 0.5/);
  });
});

describe('DataLoader', () => {
  test('in order without shuffle: batch shapes, last partial batch, length', () => {
    const loader = new DataLoader(ds(10), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const batches = [...loader];
    expect(batches.length).toBe(3);
    expect(batches.map(([x]) => x.shape)).toEqual([[4, 3], [4, 3], [2, 3]]);
    expect(batches.map(([, y]) => y.shape)).toEqual([[4], [4], [2]]);
    expect(batches.flatMap(([x]) => rowIds(x))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(batches[2][1].data)).toEqual([0, 1]);
    expect(Array.from(batches[1][0].data)).toEqual(Array.from(ds(10).x.data.slice(12, 24)));
  });

  test('dropLast drops the partial batch; defaults are batchSize 1, no shuffle', () => {
    const loader = new DataLoader(ds(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect([...loader].flatMap(([x]) => rowIds(x))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const one = new DataLoader(ds(3));
    expect(one.length).toBe(3);
    expect([...one].map(([x, y]) => [x.shape, y.shape])).toEqual([[[1, 3], [1]], [[1, 3], [1]], [[1, 3], [1]]]);
    expect(new DataLoader(ds(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect([...new DataLoader(ds(0), { batchSize: 4 })]).toEqual([]);
  });

  test('batches are copies, not views of the dataset', () => {
    const d = ds(4);
    const [[x]] = [...new DataLoader(d, { batchSize: 4 })];
    x.data[0] = 123;
    expect(d.x.data[0]).toBe(0);
  });

  test('shuffle: a permutation per epoch, pairs kept together, fresh each epoch, replayed by the seed', () => {
    const d = ds(50);
    const loader = new DataLoader(d, { batchSize: 8, shuffle: true, generator: new Generator(7) });
    const epoch = () => [...loader].flatMap(([x, y]) => rowIds(x).map((id, r) => [id, y.data[r]]));
    const e1 = epoch();
    const e2 = epoch();
    const ids1 = e1.map(([id]) => id);
    expect([...ids1].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const [id, label] of e1) expect(label).toBe(id % 4);
    expect(ids1).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(e2.map(([id]) => id)).not.toEqual(ids1);
    const again = new DataLoader(d, { batchSize: 8, shuffle: true, generator: new Generator(7) });
    const r1 = [...again].flatMap(([x]) => rowIds(x));
    const r2 = [...again].flatMap(([x]) => rowIds(x));
    expect(r1).toEqual(ids1);
    expect(r2).toEqual(e2.map(([id]) => id));
    const other = new DataLoader(d, { batchSize: 8, shuffle: true, generator: new Generator(8) });
    expect([...other].flatMap(([x]) => rowIds(x))).not.toEqual(ids1);
  });

  test('shuffle is uniform: each position sees every index about equally often', () => {
    // 4000 permutations of 5: each (position, index) count is Binomial(4000, 1/5), sd ~25.3;
    // 5 sd (126) bounds a false failure below 1e-5 over the 25 cells.
    const loader = new DataLoader(ds(5), { batchSize: 5, shuffle: true, generator: new Generator(1) });
    const counts = Array.from({ length: 5 }, () => new Array(5).fill(0));
    for (let t = 0; t < 4000; t++) for (const [x] of loader) rowIds(x).forEach((id, pos) => counts[pos][id]++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - 800)).toBeLessThan(126);
  });

  test('works with any dataset that has length and get(i); y keeps its trailing shape', () => {
    const custom = {
      length: 5,
      get: (i: number): [Tensor, Tensor] => [tensor([[i, i], [i, i]]), tensor([i * 2])],
    };
    const batches = [...new DataLoader(custom, { batchSize: 2 })];
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([[[2, 2, 2], [2, 1]], [[2, 2, 2], [2, 1]], [[1, 2, 2], [1, 1]]]);
    expect(Array.from(batches[1][1].data)).toEqual([4, 6]);
    const regression = new TensorDataset(arange(6).reshape([3, 2]), arange(6).reshape([3, 2]).mul(2));
    const [[, y]] = [...new DataLoader(regression, { batchSize: 3, shuffle: true, generator: new Generator(0) })];
    expect(y.shape).toEqual([3, 2]);
  });

  test('errors: options and datasets', () => {
    const d = ds(4);
    expectError(() => new DataLoader(d, { batchSize: 0 }), 'RangeError', /DataLoader: expected an integer >= 1 for batchSize, got 0/);
    expectError(() => new DataLoader(d, { batchSize: 2.5 }), 'RangeError', /for batchSize, got 2.5/);
    expectError(() => new DataLoader(d, { batchSize: NaN }), 'RangeError', /for batchSize, got NaN/);
    expectError(() => new DataLoader(d, { batchSize: '4' as unknown as number }), 'TypeError', /expected an integer for batchSize, got '4'/);
    expectError(() => new DataLoader(d, { shuffle: 1 as unknown as boolean }), 'TypeError', /expected a boolean for shuffle, got 1/);
    expectError(() => new DataLoader(d, { generator: 3 as unknown as Generator }), 'TypeError', /expected a Generator for generator, got 3/);
    expectError(() => new DataLoader(d, { batch_size: 4 } as object), 'TypeError', /expected an option among batchSize, shuffle, dropLast, generator, collateFn for option name, got 'batch_size'/);
    expectError(() => new DataLoader([1, 2] as unknown as data.Dataset), 'TypeError', /expected a dataset .* for dataset, got \[1, 2\]/);
    expectError(() => new DataLoader(d, 5 as unknown as object), 'TypeError', /expected an options object for options, got 5/);
    const ragged = { length: 2, get: (i: number): [Tensor, Tensor] => [randn([i + 1]), tensor(0)] };
    expectError(() => [...new DataLoader(ragged, { batchSize: 2 })], 'RangeError', /shapes of the first \(x \[1\], y \[\]\) for dataset.get\(1\), got x \[2\], y \[\]/);
    const bad = { length: 1, get: () => ['1', 2] as unknown as [Tensor, Tensor] };
    expectError(() => [...new DataLoader(bad)], 'TypeError', /DataLoader: expected a sample \[input, target\] of Tensors or numbers for dataset.get\(0\), got an array of length 2/);
  });
});
