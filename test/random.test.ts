// Counter-based randomness: value i of a draw depends only on (seed, offset + i).
import { Generator, randn, rand } from '../lib';
import { expectClose, expectSameOnTwoThreads } from './helpers';

describe('Generator streams', () => {
  test('randn values do not depend on the draw length (no scalar tail path)', () => {
    const long = randn([1000], { generator: new Generator(3) });
    for (const n of [1, 7, 255, 257, 300]) {
      const short = randn([n], { generator: new Generator(3) });
      expectClose(short.data, long.data.subarray(0, n), { rtol: 0, atol: 0, label: `n=${n}` });
    }
  });

  test('randn is bitwise the same with 1 and 2 threads', () => {
    expectSameOnTwoThreads(() => [randn([200003], { generator: new Generator(9) })]);
  });

  test('consecutive draws continue the stream', () => {
    const g = new Generator(11);
    const first = rand([10], { generator: g });
    const second = rand([10], { generator: g });
    const both = rand([20], { generator: new Generator(11) });
    expectClose(first.data, both.data.subarray(0, 10), { rtol: 0, atol: 0 });
    expectClose(second.data, both.data.subarray(10), { rtol: 0, atol: 0 });
  });

  test('moments of randn and rand', () => {
    const x = randn([100000], { generator: new Generator(1) }).data;
    const u = rand([100000], { generator: new Generator(2) }).data;
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const m = mean(x);
    const v = x.reduce((s, t) => s + (t - m) ** 2, 0) / x.length;
    // standard errors at n = 1e5: mean 0.0032, variance 0.0045; 4 of them
    expect(Math.abs(m)).toBeLessThan(0.013);
    expect(Math.abs(v - 1)).toBeLessThan(0.018);
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(0.004);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
  });
});
