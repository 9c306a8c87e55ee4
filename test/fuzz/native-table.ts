// One entry per native binding (lib/native's `native` object): its parameters as
// native/binding/*.cc names them, valid arguments, and the corruption kind of each slot.
// native.test.ts fails when the addon exports a function this table lacks, so a new binding
// must come with its entry. To add one: copy the nearest entry, list the parameters in order
// with their kinds (f32, f32opt, i32targets, size, integer, number, boolean), and make
// `valid` produce buffers whose lengths satisfy the binding's checks.
import * as fc from 'fast-check';
import { native } from '../../lib/native';
import { Entry, Slot } from './engine';
import { boolean, f32, f32opt, i32targets, integer, number, size } from './kinds';

type Fn = (...args: unknown[]) => unknown;
const bind = (name: string) => (args: unknown[]) => (native[name] as Fn)(...args);
const slots = (spec: [string, Slot['corrupt']][]): Slot[] => spec.map(([name, corrupt]) => ({ name, corrupt }));

const dim = fc.integer({ min: 0, max: 5 });
const pos = fc.integer({ min: 1, max: 5 });
const buf = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
const seed = fc.integer({ min: 0, max: 2 ** 53 - 1 });
const smallNumber = fc.double({ min: -10, max: 10, noNaN: true });
const prob = fc.double({ min: 0, max: 1, noNaN: true });
const unit = fc.double({ min: 0, max: 0.999, noNaN: true });

function entry(name: string, spec: [string, Slot['corrupt']][], valid: fc.Arbitrary<unknown[]>, extra: Partial<Entry> = {}): Entry {
  return { name, slots: slots(spec), valid, call: bind(name), ...extra };
}

export const NATIVE_TABLE: Entry[] = [
  entry('setNumThreads', [['n', integer]], fc.constantFrom(1, 2).map((n) => [n]), { after: () => native.setNumThreads(1) }),
  entry('getNumThreads', [], fc.constant([])),
  entry('buildInfo', [], fc.constant([])),
  entry(
    'sgemm',
    [['c', f32], ['a', f32], ['b', f32], ['M', size], ['N', size], ['K', size], ['transA', boolean], ['transB', boolean], ['beta', number]],
    fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), fc.constantFrom(0, 1)).map(([M, N, K, ta, tb, beta]) => [buf(M * N), buf(M * K), buf(K * N), M, N, K, ta, tb, beta]),
  ),
  entry(
    'randomUniform',
    [['out', f32], ['low', number], ['high', number], ['seed', integer], ['offset', integer]],
    fc.tuple(fc.integer({ min: 0, max: 40 }), smallNumber, smallNumber, seed, seed).map(([n, lo, hi, s, o]) => [buf(n), Math.min(lo, hi), Math.max(lo, hi), s, o]),
  ),
  entry(
    'randomNormal',
    [['out', f32], ['mean', number], ['std', number], ['seed', integer], ['offset', integer]],
    fc.tuple(fc.integer({ min: 0, max: 40 }), smallNumber, fc.double({ min: 0, max: 5, noNaN: true }), seed, seed).map(([n, m, s, sd, o]) => [buf(n), m, s, sd, o]),
  ),
  entry(
    'linearForward',
    [['out', f32], ['inp', f32], ['weight', f32], ['bias', f32opt], ['N', size], ['C', size], ['OC', size]],
    fc.tuple(dim, dim, dim, fc.boolean()).map(([N, C, OC, b]) => [buf(N * OC), buf(N * C), buf(OC * C), b ? buf(OC) : null, N, C, OC]),
  ),
  entry(
    'linearBackward',
    [['dinp', f32opt], ['dweight', f32opt], ['dbias', f32opt], ['dout', f32], ['inp', f32], ['weight', f32], ['N', size], ['C', size], ['OC', size]],
    fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), fc.boolean()).map(([N, C, OC, a, b, c]) => [
      a ? buf(N * C) : null, b ? buf(OC * C) : null, c ? buf(OC) : null, buf(N * OC), buf(N * C), buf(OC * C), N, C, OC,
    ]),
  ),
  entry(
    'crossentropyForward',
    [['losses', f32], ['lse', f32], ['logits', f32], ['targets', i32targets], ['N', size], ['C', size], ['D', size], ['labelSmoothing', number]],
    fc.tuple(dim, pos, fc.integer({ min: 1, max: 3 }), prob).chain(([N, C, D, eps]) =>
      fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: N * D, maxLength: N * D }).map((t) => [buf(N * D), buf(N * D), buf(N * C * D), Int32Array.from(t), N, C, D, eps]),
    ),
  ),
  entry(
    'crossentropyBackward',
    [['dlogits', f32], ['dloss', f32], ['logits', f32], ['lse', f32], ['targets', i32targets], ['N', size], ['C', size], ['D', size], ['labelSmoothing', number]],
    fc.tuple(dim, pos, fc.integer({ min: 1, max: 3 }), prob, fc.boolean()).chain(([N, C, D, eps, one]) =>
      fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: N * D, maxLength: N * D }).map((t) => [
        buf(N * C * D), buf(one ? 1 : N * D), buf(N * C * D), buf(N * D), Int32Array.from(t), N, C, D, eps,
      ]),
    ),
  ),
  entry(
    'sgdStep',
    [['param', f32], ['momentumBuffer', f32opt], ['grad', f32], ['lr', number], ['momentum', number], ['dampening', number], ['weightDecay', number], ['nesterov', boolean], ['initBuffer', boolean]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean(), unit, unit, unit, unit, fc.boolean(), fc.boolean()).map(([n, m, lr, mom, damp, wd, nest, init]) => [
      buf(n), m ? buf(n) : null, buf(n), lr, mom, damp, wd, nest, init,
    ]),
  ),
  entry(
    'adamStep',
    [['param', f32], ['expAvg', f32], ['expAvgSq', f32], ['maxExpAvgSq', f32opt], ['grad', f32], ['step', integer], ['lr', number], ['beta1', number], ['beta2', number], ['eps', number], ['weightDecay', number], ['decoupled', boolean]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean(), fc.integer({ min: 1, max: 1000 }), unit, unit, unit, fc.boolean()).map(([n, ams, step, lr, b1, b2, dec]) => [
      buf(n), buf(n), buf(n).map(Math.abs), ams ? buf(n).map(Math.abs) : null, buf(n), step, lr, b1, b2, 1e-8, 0.01, dec,
    ]),
  ),
  entry('sumAbsPow', [['x', f32], ['p', number]], fc.tuple(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0.5, max: 4, noNaN: true })).map(([n, p]) => [buf(n), p])),
  entry('maxAbs', [['x', f32]], fc.integer({ min: 0, max: 30 }).map((n) => [buf(n)])),
  entry('scaleInPlace', [['x', f32], ['c', number]], fc.tuple(fc.integer({ min: 0, max: 30 }), smallNumber).map(([n, c]) => [buf(n), c])),
  entry(
    'truncNormal',
    [['out', f32], ['mean', number], ['std', number], ['a', number], ['b', number], ['seed', integer], ['offset', integer]],
    fc.tuple(fc.integer({ min: 0, max: 30 }), smallNumber, fc.double({ min: 0.1, max: 3, noNaN: true }), smallNumber, fc.double({ min: 0.01, max: 5, noNaN: true }), seed, seed).map(
      ([n, mean, std, a, w, s, o]) => [buf(n), mean, std, a, a + w, s, o],
    ),
  ),
  entry(
    'orthogonal',
    [['out', f32], ['rows', size], ['cols', size], ['gain', number], ['seed', integer], ['offset', integer]],
    fc.tuple(dim, dim, smallNumber, seed, seed).map(([r, c, g, s, o]) => [buf(r * c), r, c, g, s, o]),
  ),
  entry('normalQuantile', [['p', number]], prob.map((p) => [p])),
  entry(
    'dropoutForward',
    [['out', f32], ['mask', f32opt], ['inp', f32], ['p', number], ['seed', integer], ['offset', integer]],
    fc.tuple(fc.integer({ min: 0, max: 30 }), fc.boolean(), prob, seed, seed).map(([n, m, p, s, o]) => [buf(n), m ? buf(n) : null, buf(n), p, s, o]),
  ),
  entry('dropoutBackward', [['dinp', f32], ['dout', f32], ['mask', f32]], fc.integer({ min: 0, max: 30 }).map((n) => [buf(n), buf(n), buf(n)])),
];
