// One entry per native binding (lib/native's `native` object): its parameters as
// native/binding/*.cc names them, valid arguments, and the corruption kind of each slot.
// native.test.ts fails when the addon exports a function this table lacks, so a new binding
// must come with its entry. To add one: copy the nearest entry, list the parameters in order
// with their kinds (f32, f32opt, i32targets, size, integer, number, boolean), and make
// `valid` produce buffers whose lengths satisfy the binding's checks.
import * as fc from 'fast-check';
import { native } from '../../lib/native';
import { NativeFunctionName } from '../../lib/native-binding';
import { Entry, Slot } from './engine';
import { boolean, f32, f32opt, i32targets, integer, number, size } from './kinds';

// Fuzzing passes malformed arguments on purpose: the typed signature is set aside here only.
type Fn = (...args: unknown[]) => unknown;
const bind = (name: NativeFunctionName) => (args: unknown[]) => (native[name] as Fn)(...args);
const slots = (spec: [string, Slot['corrupt']][]): Slot[] => spec.map(([name, corrupt]) => ({ name, corrupt }));

const dim = fc.integer({ min: 0, max: 5 });
const pos = fc.integer({ min: 1, max: 5 });
const buf = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1));
const seed = fc.integer({ min: 0, max: 2 ** 53 - 1 });
const smallNumber = fc.double({ min: -10, max: 10, noNaN: true });
const prob = fc.double({ min: 0, max: 1, noNaN: true });
const unit = fc.double({ min: 0, max: 0.999, noNaN: true });

/** A sliding window along one dimension of size `n`: kernel, stride, padding with k <= n + 2p, k >= 1 (and 2p <= k when `half`). */
const win1 = (n: number, half: boolean) =>
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3 })).chain(([p, s]) => {
    const lo = Math.max(1, half ? 2 * p : 1);
    const hi = n + 2 * p;
    return lo <= hi ? fc.integer({ min: lo, max: hi }).map((k) => ({ k, s, p })) : fc.constant({ k: n + 2, s, p: 1 });
  });
/** Conv/pool geometry: input H, W in 0..5 and a window along each that fits; o* the output sizes. */
const windowArb = (half: boolean) =>
  fc.tuple(dim, dim).chain(([H, W]) =>
    fc.tuple(win1(H, half), win1(W, half)).map(([h, w]) => ({
      H, W, KH: h.k, KW: w.k, SH: h.s, SW: w.s, PH: h.p, PW: w.p,
      OH: Math.floor((H + 2 * h.p - h.k) / h.s) + 1, OW: Math.floor((W + 2 * w.p - w.k) / w.s) + 1,
    })),
  );
const windowSlots: [string, Slot['corrupt']][] = [['KH', integer], ['KW', integer], ['SH', integer], ['SW', integer], ['PH', integer], ['PW', integer]];
const positive = (a: Float32Array) => a.map((v) => Math.abs(v) + 0.5);

function entry(name: NativeFunctionName, spec: [string, Slot['corrupt']][], valid: fc.Arbitrary<unknown[]>, extra: Partial<Entry> = {}): Entry {
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
    'embeddingForward',
    [['out', f32], ['weight', f32], ['ids', i32targets], ['n', size], ['V', size], ['E', size]],
    fc.tuple(dim, pos, dim).chain(([n, V, E]) =>
      fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: n, maxLength: n }).map((t) => [buf(n * E), buf(V * E), Int32Array.from(t), n, V, E]),
    ),
  ),
  entry(
    'embeddingBackward',
    [['dweight', f32], ['dout', f32], ['ids', i32targets], ['n', size], ['V', size], ['E', size], ['paddingIdx', integer]],
    fc.tuple(dim, pos, dim, fc.boolean()).chain(([n, V, E, pad]) =>
      fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: n, maxLength: n }).map((t) => [buf(V * E), buf(n * E), Int32Array.from(t), n, V, E, pad ? V - 1 : -1]),
    ),
  ),
  entry(
    'crossentropyForward',
    [['losses', f32], ['lse', f32], ['logits', f32], ['targets', i32targets], ['N', size], ['C', size], ['D', size], ['labelSmoothing', number], ['ignoreIndex', integer]],
    fc.tuple(dim, pos, fc.integer({ min: 1, max: 3 }), prob).chain(([N, C, D, eps]) =>
      fc.array(fc.integer({ min: -1, max: C - 1 }), { minLength: N * D, maxLength: N * D }).map((t) => [buf(N * D), buf(N * D), buf(N * C * D), Int32Array.from(t, (v) => (v < 0 ? -100 : v)), N, C, D, eps, -100]),
    ),
  ),
  entry(
    'crossentropyBackward',
    [['dlogits', f32], ['dloss', f32], ['logits', f32], ['lse', f32], ['targets', i32targets], ['N', size], ['C', size], ['D', size], ['labelSmoothing', number], ['ignoreIndex', integer]],
    fc.tuple(dim, pos, fc.integer({ min: 1, max: 3 }), prob, fc.boolean()).chain(([N, C, D, eps, one]) =>
      fc.array(fc.integer({ min: -1, max: C - 1 }), { minLength: N * D, maxLength: N * D }).map((t) => [
        buf(N * C * D), buf(one ? 1 : N * D), buf(N * C * D), buf(N * D), Int32Array.from(t, (v) => (v < 0 ? -100 : v)), N, C, D, eps, -100,
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
  entry(
    'adadeltaStep',
    [['param', f32], ['squareAvg', f32], ['accDelta', f32], ['grad', f32], ['lr', number], ['rho', number], ['eps', number], ['weightDecay', number], ['maximize', boolean]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), unit, unit, unit, fc.boolean()).map(([n, lr, rho, wd, max]) => [buf(n), buf(n).map(Math.abs), buf(n).map(Math.abs), buf(n), lr, rho, 1e-6, wd, max]),
  ),
  entry(
    'adagradStep',
    [['param', f32], ['sum', f32], ['grad', f32], ['step', integer], ['lr', number], ['lrDecay', number], ['eps', number], ['weightDecay', number], ['maximize', boolean]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 1000 }), unit, unit, unit, fc.boolean()).map(([n, step, lr, dec, wd, max]) => [buf(n), buf(n).map(Math.abs), buf(n), step, lr, dec, 1e-10, wd, max]),
  ),
  entry(
    'rmspropStep',
    [['param', f32], ['squareAvg', f32], ['gradAvg', f32opt], ['momentumBuffer', f32opt], ['grad', f32], ['lr', number], ['alpha', number], ['eps', number], ['weightDecay', number], ['momentum', number], ['maximize', boolean]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean(), fc.boolean(), unit, unit, unit, fc.boolean()).map(([n, c, m, lr, alpha, mom, max]) => [
      buf(n), buf(n).map(Math.abs), c ? buf(n) : null, m ? buf(n) : null, buf(n), lr, alpha, 1e-8, 0.01, mom, max,
    ]),
  ),
  entry(
    'adamaxStep',
    [['param', f32], ['expAvg', f32], ['expInf', f32], ['grad', f32], ['step', integer], ['lr', number], ['beta1', number], ['beta2', number], ['eps', number], ['weightDecay', number], ['maximize', boolean]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 1000 }), unit, unit, unit, fc.boolean()).map(([n, step, lr, b1, b2, max]) => [
      buf(n), buf(n), buf(n).map(Math.abs), buf(n), step, lr, b1, b2, 1e-8, 0.01, max,
    ]),
  ),
  entry(
    'nadamStep',
    [['param', f32], ['expAvg', f32], ['expAvgSq', f32], ['grad', f32], ['beta1', number], ['beta2', number], ['eps', number], ['weightDecay', number], ['biasCorrection2', number], ['gradCoef', number], ['avgCoef', number]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), unit, unit, unit).map(([n, b1, b2, lr]) => [buf(n), buf(n), buf(n).map(Math.abs), buf(n), b1, b2, 1e-8, 0.01, 0.5, -lr, -lr]),
  ),
  entry(
    'radamStep',
    [['param', f32], ['expAvg', f32], ['expAvgSq', f32], ['grad', f32], ['step', integer], ['lr', number], ['beta1', number], ['beta2', number], ['eps', number], ['weightDecay', number]],
    fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 1000 }), unit, unit, unit).map(([n, step, lr, b1, b2]) => [buf(n), buf(n), buf(n).map(Math.abs), buf(n), step, lr, b1, b2, 1e-8, 0.01]),
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
  entry(
    'attentionSoftmaxForward',
    [['probs', f32], ['scores', f32], ['mask', f32opt], ['B', size], ['L', size], ['S', size], ['BM', size], ['scale', number], ['causal', boolean]],
    fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), smallNumber, fc.boolean()).map(([B, L, S, m, one, scale, causal]) => {
      const BM = one ? 1 : B;
      return [buf(B * L * S), buf(B * L * S), m ? buf(BM * L * S) : null, B, L, S, BM, scale, causal];
    }),
  ),
  entry(
    'attentionSoftmaxBackward',
    [['dscores', f32], ['probs', f32], ['dprobs', f32], ['rows', size], ['S', size]],
    fc.tuple(dim, dim).map(([R, S]) => [buf(R * S), buf(R * S), buf(R * S), R, S]),
  ),
  // ---- normalisation (native/binding/batchnorm.cc, layernorm.cc, rmsnorm.cc) ----
  entry(
    'batchNormForwardTrain',
    [['out', f32], ['mean', f32], ['rstd', f32], ['runningMean', f32opt], ['runningVar', f32opt], ['inp', f32], ['weight', f32opt], ['bias', f32opt], ['N', size], ['C', size], ['L', size], ['momentum', number], ['eps', number]],
    fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), prob, fc.double({ min: 0, max: 0.1, noNaN: true })).map(([N, C, L, r, a, m, eps]) => [
      buf(N * C * L), buf(C), buf(C), r ? buf(C) : null, r ? positive(buf(C)) : null, buf(N * C * L), a ? buf(C) : null, a ? buf(C) : null, N, C, L, m, eps,
    ]),
  ),
  entry(
    'batchNormForwardEval',
    [['out', f32], ['mean', f32], ['rstd', f32], ['inp', f32], ['weight', f32opt], ['bias', f32opt], ['runningMean', f32], ['runningVar', f32], ['N', size], ['C', size], ['L', size], ['eps', number]],
    fc.tuple(dim, dim, dim, fc.boolean(), fc.double({ min: 0, max: 0.1, noNaN: true })).map(([N, C, L, a, eps]) => [
      buf(N * C * L), buf(C), buf(C), buf(N * C * L), a ? buf(C) : null, a ? buf(C) : null, buf(C), positive(buf(C)), N, C, L, eps,
    ]),
  ),
  entry(
    'batchNormBackward',
    [['dinp', f32opt], ['dweight', f32opt], ['dbias', f32opt], ['dout', f32], ['inp', f32], ['weight', f32opt], ['mean', f32], ['rstd', f32], ['N', size], ['C', size], ['L', size], ['batchStats', boolean]],
    fc.tuple(dim, dim, dim, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()).map(([N, C, L, a, b, c, w, bs]) => [
      a ? buf(N * C * L) : null, b ? buf(C) : null, c ? buf(C) : null, buf(N * C * L), buf(N * C * L), w ? buf(C) : null, buf(C), positive(buf(C)), N, C, L, bs,
    ]),
  ),
  entry(
    'layerNormForward',
    [['out', f32], ['mean', f32], ['rstd', f32], ['inp', f32], ['weight', f32opt], ['bias', f32opt], ['N', size], ['D', size], ['eps', number]],
    fc.tuple(dim, dim, fc.boolean(), fc.boolean(), fc.double({ min: 0, max: 0.1, noNaN: true })).map(([N, D, w, b, eps]) => [
      buf(N * D), buf(N), buf(N), buf(N * D), w ? buf(D) : null, b ? buf(D) : null, N, D, eps,
    ]),
  ),
  entry(
    'layerNormBackward',
    [['dinp', f32opt], ['dweight', f32opt], ['dbias', f32opt], ['dout', f32], ['inp', f32], ['weight', f32opt], ['mean', f32], ['rstd', f32], ['N', size], ['D', size]],
    fc.tuple(dim, dim, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()).map(([N, D, a, b, c, w]) => [
      a ? buf(N * D) : null, b ? buf(D) : null, c ? buf(D) : null, buf(N * D), buf(N * D), w ? buf(D) : null, buf(N), positive(buf(N)), N, D,
    ]),
  ),
  entry(
    'rmsNormForward',
    [['out', f32], ['rstd', f32], ['inp', f32], ['weight', f32opt], ['N', size], ['D', size], ['eps', number]],
    fc.tuple(dim, dim, fc.boolean(), fc.double({ min: 0, max: 0.1, noNaN: true })).map(([N, D, w, eps]) => [buf(N * D), buf(N), buf(N * D), w ? buf(D) : null, N, D, eps]),
  ),
  entry(
    'rmsNormBackward',
    [['dinp', f32opt], ['dweight', f32opt], ['dout', f32], ['inp', f32], ['weight', f32opt], ['rstd', f32], ['N', size], ['D', size]],
    fc.tuple(dim, dim, fc.boolean(), fc.boolean(), fc.boolean()).map(([N, D, a, b, w]) => [
      a ? buf(N * D) : null, b ? buf(D) : null, buf(N * D), buf(N * D), w ? buf(D) : null, positive(buf(N)), N, D,
    ]),
  ),
  // ---- convolution (native/binding/conv2d.cc) ----
  entry(
    'conv2dForward',
    [['out', f32], ['inp', f32], ['weight', f32], ['bias', f32opt], ['N', size], ['C', size], ['H', size], ['W', size], ['OC', size], ...windowSlots],
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), windowArb(false), fc.boolean()).map(([N, C, OC, g, b]) => [
      buf(N * OC * g.OH * g.OW), buf(N * C * g.H * g.W), buf(OC * C * g.KH * g.KW), b ? buf(OC) : null, N, C, g.H, g.W, OC, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW,
    ]),
  ),
  entry(
    'conv2dBackward',
    [['dinp', f32opt], ['dweight', f32opt], ['dbias', f32opt], ['dout', f32], ['inp', f32], ['weight', f32], ['N', size], ['C', size], ['H', size], ['W', size], ['OC', size], ...windowSlots],
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), windowArb(false), fc.boolean(), fc.boolean(), fc.boolean()).map(([N, C, OC, g, a, b, c]) => [
      a ? buf(N * C * g.H * g.W) : null, b ? buf(OC * C * g.KH * g.KW) : null, c ? buf(OC) : null, buf(N * OC * g.OH * g.OW), buf(N * C * g.H * g.W), buf(OC * C * g.KH * g.KW),
      N, C, g.H, g.W, OC, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW,
    ]),
  ),
  // ---- pooling (native/binding/pool2d.cc) ----
  entry(
    'maxPool2dForward',
    [['out', f32], ['argmax', i32targets], ['inp', f32], ['P', size], ['H', size], ['W', size], ...windowSlots],
    fc.tuple(fc.integer({ min: 0, max: 4 }), windowArb(true)).map(([P, g]) => [
      buf(P * g.OH * g.OW), new Int32Array(P * g.OH * g.OW), buf(P * g.H * g.W), P, g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW,
    ]),
  ),
  entry(
    'maxPool2dBackward',
    [['dinp', f32], ['dout', f32], ['argmax', i32targets], ['P', size], ['H', size], ['W', size], ['OH', size], ['OW', size]],
    fc.tuple(fc.integer({ min: 0, max: 4 }), pos, pos, dim, dim).chain(([P, H, W, OH, OW]) =>
      fc.array(fc.integer({ min: 0, max: H * W - 1 }), { minLength: P * OH * OW, maxLength: P * OH * OW }).map((idx) => [
        buf(P * H * W), buf(P * OH * OW), Int32Array.from(idx), P, H, W, OH, OW,
      ]),
    ),
  ),
  ...(['avgPool2dForward', 'avgPool2dBackward'] as const).map((name) =>
    entry(
      name,
      [[name === 'avgPool2dForward' ? 'out' : 'dinp', f32], [name === 'avgPool2dForward' ? 'inp' : 'dout', f32], ['P', size], ['H', size], ['W', size], ...windowSlots, ['countIncludePad', boolean]],
      fc.tuple(fc.integer({ min: 0, max: 4 }), windowArb(true), fc.boolean()).map(([P, g, inc]) => {
        const [a, b] = name === 'avgPool2dForward' ? [buf(P * g.OH * g.OW), buf(P * g.H * g.W)] : [buf(P * g.H * g.W), buf(P * g.OH * g.OW)];
        return [a, b, P, g.H, g.W, g.KH, g.KW, g.SH, g.SW, g.PH, g.PW, inc];
      }),
    ),
  ),
  ...(['adaptiveAvgPool2dForward', 'adaptiveAvgPool2dBackward'] as const).map((name) =>
    entry(
      name,
      [[name === 'adaptiveAvgPool2dForward' ? 'out' : 'dinp', f32], [name === 'adaptiveAvgPool2dForward' ? 'inp' : 'dout', f32], ['P', size], ['H', integer], ['W', integer], ['OH', integer], ['OW', integer]],
      fc.tuple(fc.integer({ min: 0, max: 4 }), pos, pos, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 })).map(([P, H, W, OH, OW]) => {
        const [a, b] = name === 'adaptiveAvgPool2dForward' ? [buf(P * OH * OW), buf(P * H * W)] : [buf(P * H * W), buf(P * OH * OW)];
        return [a, b, P, H, W, OH, OW];
      }),
    ),
  ),
  // ---- activations (native/binding/activation.cc) ----
  entry('reluForward', [['out', f32], ['inp', f32]], fc.integer({ min: 0, max: 30 }).map((n) => [buf(n), buf(n)])),
  entry('reluBackward', [['dinp', f32], ['dout', f32], ['out', f32]], fc.integer({ min: 0, max: 30 }).map((n) => [buf(n), buf(n), buf(n)])),
  // ---- recurrent layers (native/binding/rnn.cc) ----
  entry(
    'rnnForward',
    [['out', f32], ['hN', f32], ['cN', f32opt], ['saved', f32], ['inp', f32], ['h0', f32], ['c0', f32opt], ['wIh', f32], ['wHh', f32], ['bIh', f32opt], ['bHh', f32opt],
      ['L', size], ['N', size], ['C', size], ['H', size], ['mode', integer], ['reverse', boolean]],
    fc.tuple(dim, dim, dim, pos, fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.boolean()).map(([L, N, C, H, mode, bias, rev]) => {
      const G = mode === 2 ? 4 : mode === 3 ? 3 : 1, S = mode === 2 ? 5 : mode === 3 ? 4 : 0, lstm = mode === 2;
      return [buf(L * N * H), buf(N * H), lstm ? buf(N * H) : null, buf(L * N * H * S), buf(L * N * C), buf(N * H), lstm ? buf(N * H) : null,
        buf(G * H * C), buf(G * H * H), bias ? buf(G * H) : null, bias ? buf(G * H) : null, L, N, C, H, mode, rev];
    }),
  ),
  entry(
    'rnnBackward',
    [['dinp', f32opt], ['dh0', f32opt], ['dc0', f32opt], ['dwIh', f32opt], ['dwHh', f32opt], ['dbIh', f32opt], ['dbHh', f32opt], ['dout', f32], ['dhN', f32], ['dcN', f32opt],
      ['inp', f32], ['h0', f32], ['c0', f32opt], ['wIh', f32], ['wHh', f32], ['out', f32], ['saved', f32], ['L', size], ['N', size], ['C', size], ['H', size], ['mode', integer], ['reverse', boolean]],
    fc.tuple(dim, dim, dim, pos, fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.boolean()).map(([L, N, C, H, mode, some, rev]) => {
      const G = mode === 2 ? 4 : mode === 3 ? 3 : 1, S = mode === 2 ? 5 : mode === 3 ? 4 : 0, lstm = mode === 2;
      const o = (n: number) => (some ? buf(n) : null);
      return [o(L * N * C), o(N * H), lstm ? o(N * H) : null, o(G * H * C), o(G * H * H), o(G * H), o(G * H), buf(L * N * H), buf(N * H), lstm ? buf(N * H) : null,
        buf(L * N * C), buf(N * H), lstm ? buf(N * H) : null, buf(G * H * C), buf(G * H * H), buf(L * N * H), buf(L * N * H * S).map(Math.abs), L, N, C, H, mode, rev];
    }),
  ),
];
