// Fuzz entries for kiln.*: the tensor factories, randomness, threads, and every Tensor method.
import * as fc from 'fast-check';
import * as kiln from '../../lib';
import { Tensor } from '../../lib';
import { Entry } from './engine';
import { boolKind, brokenTensor, filled, fnKind, intKind, junk, loose, numKind, optionsKind, selfKind, shapeKind, strict, tensorKind } from './kinds';
import { api, back, gradTensorArb, matrixArb, shapeArb, tensorArb } from './api-common';
import { BAD_NUMBERS, detachedF32, show } from './values';

const optional = { optional: true };
const genKind = () => fc.oneof(junk(true, ['generator']), fc.constantFrom({ seed: 1 }, 42).map((v) => strict(show(v), v, ['generator'])));
/** Nested number arrays and typed arrays for tensor(values). */
const valuesKind = () =>
  fc.oneof(
    junk(false, ['values']).filter((c) => !Array.isArray(c.value)),
    fc
      .constantFrom<[string, unknown]>(
        ['a ragged array', [[1, 2], [3]]],
        ['a string element', [1, 'a']],
        ['a nested string', [[1], ['2']]],
        ['null inside', [[1, 2], null]],
        ['an object inside', [{}, 1]],
        ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
        ['a BigInt64Array', new BigInt64Array(2)],
        ['a DataView', new DataView(new ArrayBuffer(8))],
        ['a detached Float32Array', detachedF32(4)],
        ['deep nesting', [[[[[[[[1]]]]]]]]],
      )
      .map(([l, v]) => strict(l, v, ['values'])),
    fc.constantFrom(NaN, Infinity, -0).map((v) => loose(`${v} values`, [v, v])),
  );

const methods0 = ['neg', 'exp', 'log', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh', 't', 'detach', 'clone', 'toArray'] as const;

export const CORE_TABLE: Entry[] = [
  // ---- factories ----
  api('tensor', [['values', valuesKind], ['options', optionsKind({ shape: shapeKind({ optional: true, names: ['shape'] }), requiresGrad: boolKind({ optional: true, names: ['requiresGrad'] }) }), { optional: true, names: ['shape', 'requiresGrad'] }]],
    fc.oneof(
      tensorArb.map((t) => [t.toArray(), undefined]),
      tensorArb.map((t) => [t.data.slice(), { shape: t.shape, requiresGrad: true }]),
      fc.double({ noNaN: false }).map((v) => [v, {}]),
    ),
    (a) => kiln.tensor(a[0] as number[], a[1] as kiln.TensorOptions)),
  api('zeros', [['shape', shapeKind()]], shapeArb.map((s) => [s]), (a) => kiln.zeros(a[0] as number[])),
  api('ones', [['shape', shapeKind()]], shapeArb.map((s) => [s]), (a) => kiln.ones(a[0] as number[])),
  api('full', [['shape', shapeKind()], ['value', () => junk(false)]], fc.tuple(shapeArb, fc.float()).map(([s, v]) => [s, v]), (a) => kiln.full(a[0] as number[], a[1] as number)),
  api('randn', [['shape', shapeKind()], ['options', optionsKind({ generator: genKind, requiresGrad: boolKind({ optional: true, names: ['requiresGrad'] }) }), { optional: true, names: ['generator', 'requiresGrad'] }]],
    fc.tuple(shapeArb, fc.integer({ min: 0, max: 9 })).map(([s, k]) => [s, { generator: new kiln.Generator(k) }]), (a) => kiln.randn(a[0] as number[], a[1] as {})),
  api('rand', [['shape', shapeKind()], ['options', optionsKind({ generator: genKind, requiresGrad: boolKind({ optional: true, names: ['requiresGrad'] }) }), { optional: true, names: ['generator', 'requiresGrad'] }]],
    shapeArb.map((s) => [s, undefined]), (a) => kiln.rand(a[0] as number[], a[1] as {})),
  api('arange', [['start', numKind()], ['end', numKind(optional), optional], ['step', numKind(optional), optional]],
    fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 0, max: 20 }), fc.constantFrom(1, 0.5, 2, -1)).map(([s, n, st]) => [s, s + n * st, st]),
    (a) => kiln.arange(a[0] as number, a[1] as number, a[2] as number)),
  api('eye', [['n', intKind()], ['m', intKind(optional), optional]], fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })).map(([n, m]) => [n, m]),
    (a) => kiln.eye(a[0] as number, a[1] as number)),
  api('noGrad', [['fn', fnKind()]], fc.constant([() => 1]), (a) => kiln.noGrad(a[0] as () => number)),
  api('manualSeed', [['seed', intKind()]], fc.integer({ min: -1000, max: 1000 }).map((s) => [s]), (a) => kiln.manualSeed(a[0] as number)),
  api('new Generator', [['seed', intKind(optional), optional]], fc.integer({ min: 0, max: 2 ** 53 - 1 }).map((s) => [s]), (a) => new kiln.Generator(a[0] as number)),
  api('setNumThreads', [['n', intKind()]], fc.constantFrom(1, 2).map((n) => [n]), (a) => kiln.setNumThreads(a[0] as number), { after: () => kiln.setNumThreads(1) }),
  api('getNumThreads', [], fc.constant([]), () => kiln.getNumThreads()),
  api('backendInfo', [], fc.constant([]), () => kiln.backendInfo()),

  // ---- Tensor methods: slot 0 is the receiver, which only broken tensors replace ----
  ...(['add', 'sub', 'mul', 'div'] as const).map((m) =>
    api(`Tensor.${m}`, [['input', selfKind], ['other', (v) => fc.oneof(tensorKind()(v), fc.constantFrom(...BAD_NUMBERS).map((n) => loose(show(n), n)))]],
      fc.tuple(tensorArb, fc.boolean()).map(([t, scalar]) => [t.requiresGrad_(), scalar ? 2.5 : filled(t.shape.slice(-1), 3)]),
      (a) => back((a[0] as Tensor)[m](a[1] as Tensor))),
  ),
  ...methods0.map((m) =>
    api(`Tensor.${m}`, [['input', selfKind]], fc.tuple(shapeArb, fc.integer({ min: 1, max: 9 })).map(([s, k]) => [filled(m === 't' ? s.slice(0, 2) : s, k).requiresGrad_()]), (a) => {
      const y = (a[0] as Tensor)[m]();
      if (y instanceof Tensor && y.requiresGrad) y.sum().backward();
    }),
  ),
  api('Tensor.pow', [['input', selfKind], ['p', numKind()]], fc.tuple(gradTensorArb, fc.constantFrom(2, 3, 0.5, 0, -1)).map(([t, p]) => [t, p]), (a) => back((a[0] as Tensor).pow(a[1] as number))),
  api('Tensor.matmul', [['input', selfKind], ['other', tensorKind()]],
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2 })).map(([m, k, n, b]) => [
      filled(b ? [b, m, k] : [m, k], 1).requiresGrad_(), filled([k, n], 2).requiresGrad_(),
    ]),
    (a) => back((a[0] as Tensor).matmul(a[1] as Tensor))),
  api('Tensor.transpose', [['input', selfKind], ['dim0', intKind()], ['dim1', intKind()]], fc.tuple(gradTensorArb, fc.nat(), fc.nat()).map(([t, i, j]) => [t, i % t.ndim, -1 - (j % t.ndim)]),
    (a) => back((a[0] as Tensor).transpose(a[1] as number, a[2] as number))),
  api('Tensor.permute', [['input', selfKind], ['dims', shapeKind({ names: ['dims'] })]], gradTensorArb.map((t) => [t, t.shape.map((_, i) => t.ndim - 1 - i)]),
    (a) => back((a[0] as Tensor).permute(a[1] as number[]))),
  ...(['reshape', 'view'] as const).map((m) =>
    api(`Tensor.${m}`, [['input', selfKind], ['shape', shapeKind()]], gradTensorArb.map((t) => [t, [-1, ...t.shape.slice(1)]]), (a) => back((a[0] as Tensor)[m](a[1] as number[]))),
  ),
  api('Tensor.viewAs', [['input', selfKind], ['other', tensorKind()]], gradTensorArb.map((t) => [t, filled([t.numel], 1)]), (a) => back((a[0] as Tensor).viewAs(a[1] as Tensor))),
  api('Tensor.flatten', [['input', selfKind], ['startDim', intKind(optional), optional], ['endDim', intKind(optional), optional]], gradTensorArb.map((t) => [t, 0, -1]),
    (a) => back((a[0] as Tensor).flatten(a[1] as number, a[2] as number))),
  api('Tensor.squeeze', [['input', selfKind], ['dim', intKind(optional), optional]], gradTensorArb.map((t) => [t, 0]), (a) => back((a[0] as Tensor).squeeze(a[1] as number))),
  api('Tensor.unsqueeze', [['input', selfKind], ['dim', intKind()]], gradTensorArb.map((t) => [t, -1]), (a) => back((a[0] as Tensor).unsqueeze(a[1] as number))),
  ...(['sum', 'mean'] as const).map((m) =>
    api(`Tensor.${m}`, [['input', selfKind], ['dim', intKind(optional), optional], ['keepDim', boolKind(optional), optional]], fc.tuple(gradTensorArb, fc.boolean()).map(([t, k]) => [t, t.ndim - 1, k]),
      (a) => back((a[0] as Tensor)[m](a[1] as number, a[2] as boolean))),
  ),
  ...(['max', 'argmax'] as const).map((m) =>
    api(`Tensor.${m}`, [['input', selfKind], ['dim', intKind(optional), optional], ['keepDim', boolKind(optional), optional]], fc.tuple(gradTensorArb, fc.boolean()).map(([t, k]) => [t, 0, k]),
      (a) => (a[0] as Tensor)[m](a[1] as number, a[2] as boolean)),
  ),
  ...(['softmax', 'logSoftmax'] as const).map((m) =>
    api(`Tensor.${m}`, [['input', selfKind], ['dim', intKind()]], gradTensorArb.map((t) => [t, -1]), (a) => back((a[0] as Tensor)[m](a[1] as number))),
  ),
  api('Tensor.item', [['input', selfKind]], fc.double().map((v) => [kiln.tensor(v)]), (a) => (a[0] as Tensor).item()),
  api('Tensor.backward', [['input', (v) => brokenTensor(v, ['input'])], ['grad', (v) => fc.oneof(tensorKind({ optional: true, names: ['grad'] })(v), fc.constantFrom(NaN, 'abc').map((g) => loose(show(g), g)))]],
    fc.tuple(gradTensorArb, fc.boolean()).map(([x, scalar]) => {
      const y = x.mul(2);
      return scalar ? [y.sum(), undefined] : [y, filled(y.shape, 5)];
    }),
    (a) => (a[0] as Tensor).backward(a[1] as Tensor)),
  // ---- in-place ops, on a non-leaf (a leaf that requires grad is refused outside noGrad) ----
  ...(['add_', 'sub_'] as const).map((m) =>
    api(`Tensor.${m}`, [['input', selfKind], ['other', (v) => fc.oneof(tensorKind()(v), fc.constantFrom(...BAD_NUMBERS).map((n) => loose(show(n), n)))],
      ['options', optionsKind({ alpha: numKind({ optional: true, names: ['alpha'] }) }), { optional: true, names: ['alpha'] }]],
    fc.tuple(tensorArb, fc.boolean()).map(([t, scalar]) => [t.requiresGrad_().mul(1), scalar ? 2.5 : filled(t.shape.slice(-1), 3).requiresGrad_(), { alpha: 0.5 }]),
    (a) => back((a[0] as Tensor)[m](a[1] as Tensor, a[2] as { alpha: number }))),
  ),
  ...(['mul_', 'div_'] as const).map((m) =>
    api(`Tensor.${m}`, [['input', selfKind], ['other', (v) => fc.oneof(tensorKind()(v), fc.constantFrom(...BAD_NUMBERS).map((n) => loose(show(n), n)))]],
      fc.tuple(tensorArb, fc.boolean()).map(([t, scalar]) => [t.requiresGrad_().mul(1), scalar ? 2.5 : filled(t.shape.slice(-1), 3).requiresGrad_()]),
      (a) => back((a[0] as Tensor)[m](a[1] as Tensor))),
  ),
  api('Tensor.zero_', [['input', selfKind]], gradTensorArb.map((t) => [t.mul(1)]), (a) => back((a[0] as Tensor).zero_())),
  api('Tensor.fill_', [['input', selfKind], ['value', numKind()]], fc.tuple(gradTensorArb, fc.float()).map(([t, v]) => [t.mul(1), v]), (a) => back((a[0] as Tensor).fill_(a[1] as number))),
  api('Tensor.copy_', [['input', selfKind], ['src', tensorKind()]], gradTensorArb.map((t) => [t.mul(1), filled(t.shape.slice(-1), 2).requiresGrad_()]),
    (a) => back((a[0] as Tensor).copy_(a[1] as Tensor))),
  api('Tensor.clamp_', [['input', selfKind], ['min', numKind(optional), optional], ['max', numKind(optional), optional]],
    fc.tuple(gradTensorArb, fc.float({ noNaN: true }), fc.float({ noNaN: true })).map(([t, lo, hi]) => [t.mul(1), lo, hi]), (a) => back((a[0] as Tensor).clamp_(a[1] as number, a[2] as number))),
  api('Tensor.detach_', [['input', selfKind]], gradTensorArb.map((t) => [t.mul(1)]), (a) => (a[0] as Tensor).detach_()),
  api('Tensor.requiresGrad_', [['input', selfKind], ['flag', boolKind(optional), optional]], fc.tuple(tensorArb, fc.boolean()).map(([t, f]) => [t, f]),
    (a) => (a[0] as Tensor).requiresGrad_(a[1] as boolean)),
  api('Tensor.registerHook', [['input', selfKind], ['hook', fnKind()]], gradTensorArb.map((t) => [t.mul(1), (g: Tensor) => g.mul(2)]), (a) => {
    const y = a[0] as Tensor;
    const h = y.registerHook(a[1] as (g: Tensor) => Tensor);
    back(y);
    h.remove();
  }),
  api('new Tensor', [['data', (v) => fc.oneof(junk(false), fc.constant(strict('a detached Float32Array', detachedF32(6))), fc.constant(strict('a Float64Array', new Float64Array((v as Float32Array).length))))], ['shape', shapeKind()], ['requiresGrad', boolKind(optional), optional]],
    matrixArb.map((t) => [t.data, t.shape, false]), (a) => new Tensor(a[0] as Float32Array, a[1] as number[], a[2] as boolean)),
];
