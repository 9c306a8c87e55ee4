// Shared test helpers: closeness with a useful report, finite-difference gradient checks,
// PyTorch fixture loading and comparison, deterministic inputs, and 1-versus-2-thread runs.
import * as fs from 'fs';
import * as path from 'path';
import { Tensor, tensor, getNumThreads, setNumThreads } from '../lib';

type Nested = number | Nested[];

function flat(x: Tensor | Float32Array | Nested): ArrayLike<number> {
  if (x instanceof Tensor) return x.data;
  if (x instanceof Float32Array) return x;
  if (typeof x === 'number') return [x];
  return (x as Nested[]).flat(Infinity as 1) as number[];
}

/**
 * Asserts |a - e| <= atol + rtol * |e| elementwise; on failure reports the largest difference
 * and the first bad index, not just "not equal".
 */
export function expectClose(actual: Tensor | Float32Array | Nested, expected: Tensor | Float32Array | Nested, { rtol = 1e-5, atol = 1e-6, label = '' } = {}): void {
  const a = flat(actual);
  const e = flat(expected);
  if (a.length !== e.length) throw new Error(`${label}: expected ${e.length} values, got ${a.length}`);
  let worst = 0;
  let worstAt = -1;
  let firstBad = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    const bad = !(d <= atol + rtol * Math.abs(e[i])) && !(Number.isNaN(a[i]) && Number.isNaN(e[i])) && a[i] !== e[i];
    if (bad && firstBad < 0) firstBad = i;
    if (d > worst || (Number.isNaN(d) && worstAt < 0)) {
      worst = d;
      worstAt = i;
    }
  }
  if (firstBad >= 0) {
    throw new Error(
      `${label ? label + ': ' : ''}not close (rtol ${rtol}, atol ${atol}): first bad index ${firstBad} (got ${a[firstBad]}, expected ${e[firstBad]}); ` +
        `largest difference ${worst} at index ${worstAt} (got ${a[worstAt]}, expected ${e[worstAt]})`,
    );
  }
}

/**
 * Central finite differences of the scalar sum(f(inputs) * w), for a fixed random w, against
 * autograd's gradients for each input. Float32 limits eps and tolerance.
 */
export function gradCheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], { eps = 1e-2, rtol = 2e-2, atol = 2e-3, label = 'gradCheck' } = {}): void {
  const out0 = f(...inputs);
  const w = tensor(Array.from({ length: out0.numel }, (_, i) => Math.sin(i * 1.7 + 0.3)), { shape: out0.shape });
  const loss = (o: Tensor) => {
    let s = 0;
    for (let i = 0; i < o.numel; i++) s += o.data[i] * w.data[i];
    return s;
  };
  for (const x of inputs) x.grad = null;
  f(...inputs).mul(w).sum().backward();
  inputs.forEach((x, k) => {
    if (!x.requiresGrad) return;
    const numeric = new Float32Array(x.numel);
    for (let i = 0; i < x.numel; i++) {
      const old = x.data[i];
      x.data[i] = old + eps;
      const up = loss(f(...inputs));
      x.data[i] = old - eps;
      const down = loss(f(...inputs));
      x.data[i] = old;
      numeric[i] = (up - down) / (2 * eps);
    }
    expect(x.grad).not.toBeNull();
    expectClose(x.grad!, numeric, { rtol, atol, label: `${label} input ${k}` });
  });
}

const fixtureDir = path.join(__dirname, 'fixtures');

/** Reads test/fixtures/<name>.json, written by the generator script beside it. */
export function loadFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir, `${name}.json`), 'utf8')) as T;
}

/** A tensor as the fixture generators write it. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/** A fixture tensor as a Tensor. */
export function fixtureTensor(t: FixtureTensor, requiresGrad = false): Tensor {
  return tensor(new Float32Array(t.data), { shape: t.shape, requiresGrad });
}

type Tol = { rtol: number; atol: number };

/**
 * One forward and backward pass against a PyTorch fixture: y = forward(x) against c.out (shape
 * and values), then the gradients of sum(y * c.w): x's against c.dx and, for each
 * [name, tensor, expected] of `grads` with an expected value, that tensor's .grad.
 */
export function expectMatchesFixture(
  c: { x: FixtureTensor; out: FixtureTensor; w: FixtureTensor; dx: FixtureTensor },
  forward: (x: Tensor) => Tensor,
  grads: [string, Tensor | null, FixtureTensor | null | undefined][] = [],
  { label = '', out = { rtol: 1e-5, atol: 2e-5 } as Tol, dx = { rtol: 1e-4, atol: 2e-5 } as Tol, params = { rtol: 1e-4, atol: 1e-5 } as Tol } = {},
): void {
  const named = (what: string) => (label ? `${label} ${what}` : what);
  const x = fixtureTensor(c.x, true);
  const y = forward(x);
  expect(y.shape).toEqual(c.out.shape);
  expectClose(y, c.out.data, { ...out, label: named('out') });
  y.mul(fixtureTensor(c.w)).sum().backward();
  expectClose(x.grad!, c.dx.data, { ...dx, label: named('dx') });
  for (const [name, t, expected] of grads) if (expected) expectClose(t!.grad!, expected.data, { ...params, label: named(name) });
}

/** n smooth, deterministic values shift + scale * sin(0.7071 i + seed) cos(0.013 i + 2 seed). */
export function seeded(n: number, seed: number, shift = 0, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = shift + scale * Math.sin(i * 0.7071 + seed) * Math.cos(i * 0.013 + 2 * seed);
  return out;
}

/** Runs f with n kernel threads, restoring the count after (also when f throws). */
export function withThreads<T>(n: number, f: () => T): T {
  const before = getNumThreads();
  setNumThreads(n);
  try {
    return f();
  } finally {
    setNumThreads(before);
  }
}

/**
 * The 1-versus-2-threads check: runs `run` on 1 kernel thread, then on 2, and expects each of
 * its outputs from 2 threads close to the same output from 1 (by default, the same values).
 * `labels` name the outputs in a failure (`output <i>` otherwise).
 */
export function expectSameOnTwoThreads(run: () => (Tensor | Float32Array)[], { rtol = 0, atol = 0, labels = [] as string[] } = {}): void {
  const one = withThreads(1, run);
  const two = withThreads(2, run);
  expect(two.length).toBe(one.length);
  one.forEach((a, i) => expectClose(two[i], a, { rtol, atol, label: labels[i] ?? `output ${i}` }));
}

/** Matches an error by name and message: jest's realm differs from the addon's, so no instanceof. */
export function expectError(fn: () => unknown, name: 'TypeError' | 'RangeError' | 'Error', message: RegExp): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (caught === null) throw new Error(`expected ${name} matching ${message}, but nothing was thrown`);
  const err = caught as Error;
  expect(err.name).toBe(name);
  expect(err.message).toMatch(message);
}
