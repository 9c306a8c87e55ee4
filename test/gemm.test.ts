// sgemm against a float64 reference: every transpose combination, beta 0 and 1, edge shapes
// around the micro-tile and cache blocks, unaligned views, 1 and 2 threads.
import { setNumThreads, getNumThreads } from '../lib';
import { native } from '../lib/native';

// A small deterministic generator (mulberry32), so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const GUARD = 5;  // sentinel floats on each side of every view
const SENTINEL = 12345.5;

// A Float32Array view of n values starting `offset` floats into a bigger buffer, with
// sentinels around it: an odd offset makes the data unaligned for any vector width.
function view(n: number, offset: number, fill: () => number): { all: Float32Array; data: Float32Array } {
  const all = new Float32Array(n + offset + 2 * GUARD).fill(SENTINEL);
  const data = all.subarray(GUARD + offset, GUARD + offset + n);
  for (let i = 0; i < n; i++) data[i] = fill();
  return { all, data };
}

function checkGuards(all: Float32Array, n: number, offset: number, label: string): void {
  for (let i = 0; i < all.length; i++) {
    if (i >= GUARD + offset && i < GUARD + offset + n) continue;
    if (all[i] !== SENTINEL) throw new Error(`${label}: wrote outside c at backing index ${i}`);
  }
}

// c = op(a) op(b) + beta c, checked elementwise against float64 within the classic error bound
// for a K-term dot product (Higham, Accuracy and Stability of Numerical Algorithms, 3.1):
// |fl - exact| <= gamma_{K+1} (sum_k |a_ik b_kj| + |beta c_ij|), gamma_n = n u / (1 - n u).
function checkGemm(M: number, N: number, K: number, ta: boolean, tb: boolean, beta: 0 | 1, offset: number, seed: number): void {
  const r = rng(seed);
  const label = `M=${M} N=${N} K=${K} transA=${ta} transB=${tb} beta=${beta} offset=${offset} threads=${getNumThreads()}`;
  const a = view(M * K, offset, r);
  const b = view(K * N, offset + 2, r);
  // beta = 0 must not read c: start from NaN so any read shows.
  const c = view(M * N, offset + 1, beta === 0 ? () => NaN : r);
  const c0 = Float64Array.from(c.data);
  native.sgemm(c.data, a.data, b.data, M, N, K, ta, tb, beta);
  checkGuards(c.all, M * N, offset + 1, label);
  const u = 2 ** -24;
  const gamma = ((K + 1) * u) / (1 - (K + 1) * u);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let exact = beta === 1 ? c0[i * N + j] : 0;
      let mag = Math.abs(exact);
      for (let k = 0; k < K; k++) {
        const x = ta ? a.data[k * M + i] : a.data[i * K + k];
        const y = tb ? b.data[j * K + k] : b.data[k * N + j];
        exact += x * y;
        mag += Math.abs(x * y);
      }
      const got = c.data[i * N + j];
      if (!(Math.abs(got - exact) <= gamma * mag)) {
        throw new Error(`${label}: c[${i}, ${j}] = ${got}, expected ${exact} (bound ${gamma * mag})`);
      }
    }
  }
}

// Shapes around the AVX-512 tile (12 x 32), the AVX2 tile (6 x 16), KC = 256, NC = 512,
// MC = 1200, and the degenerate ones. Products under 48^3 multiply-adds and matrix-vector
// ones take Eigen's unpacked path, the rest the packed kernel: both are covered.
const SHAPES: [number, number, number][] = [
  [13, 33, 300],
  [23, 47, 260],
  [6, 100, 200],
  [100, 17, 70],
  [1210, 5, 20],
  [1, 1, 1],
  [1, 37, 5],
  [29, 1, 7],
  [1, 1, 300],
  [2, 3, 4],
  [12, 32, 8],
  [6, 16, 3],
  [13, 33, 17],
  [11, 31, 1],
  [24, 64, 256],
  [25, 65, 257],
  [37, 530, 19],
  [70, 47, 600],
  [1210, 3, 2],
];

describe('sgemm', () => {
  const before = getNumThreads();
  afterAll(() => setNumThreads(before));

  for (const threads of [1, 2]) {
    describe(`${threads} thread(s)`, () => {
      beforeAll(() => setNumThreads(threads));

      test('matches float64 for every transpose combination, beta 0 and 1, unaligned views', () => {
        let seed = 1;
        for (const [M, N, K] of SHAPES) {
          for (const ta of [false, true]) {
            for (const tb of [false, true]) {
              for (const beta of [0, 1] as const) checkGemm(M, N, K, ta, tb, beta, (seed % 3) * 2 + 1, seed++);
            }
          }
        }
      });

      test('is split across threads above the hand-off threshold', () => {
        // 2 * 150 * 140 * 130 = 5.5 MFLOP: large enough that 2 threads each take a band,
        // along rows (M >= N) and along columns (M < N).
        checkGemm(150, 140, 130, false, true, 1, 3, 101);
        checkGemm(40, 700, 90, true, false, 0, 1, 102);
        checkGemm(40, 700, 90, true, true, 1, 1, 103);
      });

      test('K = 0 zeroes c with beta 0 and leaves it with beta 1', () => {
        const c = new Float32Array(6).fill(NaN);
        native.sgemm(c, new Float32Array(0), new Float32Array(0), 2, 3, 0, false, false, 0);
        expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
        const d = Float32Array.from([1, 2, 3, 4, 5, 6]);
        native.sgemm(d, new Float32Array(0), new Float32Array(0), 2, 3, 0, true, true, 1);
        expect(Array.from(d)).toEqual([1, 2, 3, 4, 5, 6]);
      });

      test('M = 0 or N = 0 touches nothing', () => {
        const a = new Float32Array(4).fill(1);
        native.sgemm(new Float32Array(0), a, new Float32Array(0), 4, 0, 1, false, false, 0);
        native.sgemm(new Float32Array(0), new Float32Array(0), a, 0, 4, 1, false, false, 1);
      });
    });
  }

  test('gives the same bits on 1 and 2 threads with the packed kernel', () => {
    // Each element's sum runs over k in the same order whichever band holds it. (The Eigen
    // fallback of baseline x86-64 builds picks its blocking per band, so there the two runs
    // only agree to rounding.)
    const r = rng(7);
    const [M, N, K] = [203, 190, 300];
    const a = Float32Array.from({ length: M * K }, r);
    const b = Float32Array.from({ length: K * N }, r);
    const run = (threads: number): Float32Array => {
      setNumThreads(threads);
      const c = new Float32Array(M * N);
      native.sgemm(c, a, b, M, N, K, false, true, 0);
      return c;
    };
    const one = run(1);
    const two = run(2);
    if (native.buildInfo().isa === 'x86-64') {
      for (let i = 0; i < one.length; i++) expect(Math.abs(two[i] - one[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(one[i])));
    } else {
      expect(two).toEqual(one);
    }
  });
});
