// Fuzz entries for issue 17's tensor ops: each op as a Tensor method (slot 0 the receiver) and,
// where PyTorch has torch.X, as the function kiln.X (slot 0 the input tensor), built from one
// spec; plus cat, stack, where, squeeze/unsqueeze/permute and nn.functional.oneHot.
import * as fc from 'fast-check';
import * as kiln from '../../lib';
import { Tensor, nn } from '../../lib';
import { Entry, Slot } from './engine';
import { boolKind, filled, intKind, junk, loose, numKind, optionsKind, selfKind, shapeKind, strict, tensorKind } from './kinds';
import { api, back, gradTensorArb, tensorArb } from './api-common';

type SlotSpec = [name: string, corrupt: Slot['corrupt'], extra?: Omit<Slot, 'name' | 'corrupt'>];
const optional = { optional: true };
const num = (v: unknown) => fc.oneof(tensorKind({ optional: true })(v), numKind({ optional: true })(v));

/** An integer index argument: junk, non-integer or negative entries, and tensors of other shapes. */
const indexKind = (valid: unknown) => {
  const base = valid instanceof Tensor ? valid : kiln.zeros([1]);
  const withFirst = (v: number) => {
    const t = base.clone().detach();
    if (t.numel > 0) t.data[0] = v;
    return t;
  };
  return fc.oneof(
    junk(false, ['index', 'input']),
    fc.constantFrom(-1, 0.5, NaN, 2 ** 31, 1e9).map((v) => strict(`an index holding ${v}`, withFirst(v), ['index', 'input'])),
    fc.constant(strict('an Int32Array with -1', new Int32Array([-1]), ['index', 'input'])),
    fc.constant(strict("nested ['0']", [['0']], ['index', 'input'])),
    tensorKind()(base).map((c) => ({ ...c, strict: false })),
  );
};
/** Sizes for expand: -1 is valid there, so only other bad entries. */
const expandSizesKind = () =>
  fc.oneof(
    junk(false, ['sizes']).filter((c) => !Array.isArray(c.value)),
    fc.constantFrom<[string, unknown]>(['[1.5]', [1.5]], ['[NaN]', [NaN]], ['[-2]', [-2]], ["['2']", ['2']], ['[[2], 3]', [[2], 3]], ['[2^31, 1]', [2 ** 31, 1]]).map(([l, v]) => strict(l, v, ['sizes'])),
  );
const numClassesKind = () => fc.oneof(junk(true, ['numClasses']), fc.constantFrom(-2, 1.5, NaN, 2 ** 31).map((v) => strict(String(v), v, ['numClasses'])));
const tensorsKind = () =>
  fc.oneof(
    junk(false, ['tensors']),
    fc.constantFrom<[string, unknown]>(['[]', []], ["[a Tensor, 'abc']", [filled([2]), 'abc']], ['[null]', [null]]).map(([l, v]) => strict(l, v, ['tensors'])),
    fc.constant(loose('tensors of other shapes', [filled([2, 3]), filled([3, 2])])),
  );
const sortOpts = optionsKind({ dim: intKind({ optional: true, names: ['dim'] }), descending: boolKind({ optional: true, names: ['descending'] }), stable: boolKind({ optional: true, names: ['stable'] }) });
const topkOpts = optionsKind({ dim: intKind({ optional: true, names: ['dim'] }), largest: boolKind({ optional: true, names: ['largest'] }), sorted: boolKind({ optional: true, names: ['sorted'] }) });
const varOpts = optionsKind({ correction: numKind({ optional: true, names: ['correction'] }), unbiased: boolKind({ optional: true, names: ['unbiased'] }), keepDim: boolKind({ optional: true, names: ['keepDim'] }) });

interface Spec {
  m: string;
  /** torch.X exists: a kiln.X entry too. */
  fn: boolean;
  slots: SlotSpec[];
  valid: fc.Arbitrary<unknown[]>;
  /** Takes its sizes variadically: no 'extra' cases. */
  variadic?: boolean;
}

const specs: Spec[] = [
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((m) => ({
    m, fn: true, slots: [['other', num]] as SlotSpec[],
    valid: fc.tuple(tensorArb, fc.boolean()).map(([t, s]) => [t, s ? 0.5 : filled(t.shape.slice(-1), 3)]),
  })),
  { m: 'where', fn: false, slots: [['condition', tensorKind()], ['other', num]], valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, s]) => [t, filled(t.shape, 2), s ? 0 : filled(t.shape.slice(-1), 3)]) },
  { m: 'clamp', fn: true, slots: [['min', num, optional], ['max', num, optional]], valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, s]) => (s ? [t, -0.5, 0.5] : [t, filled(t.shape.slice(-1), 2).mul(0.1), undefined])) },
  ...(['minimum', 'maximum'] as const).map((m) => ({ m, fn: true, slots: [['other', tensorKind()]] as SlotSpec[], valid: gradTensorArb.map((t) => [t, filled(t.shape.slice(-1), 4)]) })),
  { m: 'min', fn: true, slots: [['dim', intKind(optional), optional], ['keepDim', boolKind(optional), optional]], valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, k]) => [t, 0, k]) },
  ...(['amax', 'amin'] as const).map((m) => ({
    m, fn: true, slots: [['dim', intKind(optional), optional], ['keepDim', boolKind(optional), optional]] as SlotSpec[],
    valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, k]) => [t, t.ndim - 1, k]),
  })),
  ...(['var', 'std'] as const).map((m) => ({
    m, fn: true, slots: [['dim', intKind(optional), optional], ['options', varOpts, { optional: true, names: ['correction', 'unbiased', 'keepDim'] }]] as SlotSpec[],
    valid: fc.tuple(gradTensorArb, fc.constantFrom(0, 1), fc.boolean()).map(([t, c, k]) => [t, t.ndim - 1, { correction: c, keepDim: k }]),
  })),
  {
    m: 'norm', fn: true, slots: [['p', (v) => fc.oneof(numKind({ optional: true })(v), fc.constant(strict("'nuc'", 'nuc')))], ['dim', intKind(optional), optional], ['keepDim', boolKind(optional), optional]],
    valid: fc.tuple(gradTensorArb, fc.constantFrom<number | 'fro'>(2, 1, 3, 'fro', Infinity, -Infinity, 0), fc.boolean()).map(([t, p, k]) => [t, p, 0, k]),
  },
  { m: 'cumsum', fn: true, slots: [['dim', intKind()]], valid: gradTensorArb.map((t) => [t, -1]) },
  { m: 'topk', fn: true, slots: [['k', intKind()], ['options', topkOpts, { optional: true, names: ['dim', 'largest', 'sorted'] }]], valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, l]) => [t, 1, { dim: 0, largest: l }]) },
  ...(['sort', 'argsort'] as const).map((m) => ({
    m, fn: true, slots: [['options', sortOpts, { optional: true, names: ['dim', 'descending', 'stable'] }]] as SlotSpec[],
    valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, d]) => [t, { dim: 0, descending: d, stable: true }]),
  })),
  { m: 'split', fn: true, slots: [['splitSizeOrSections', intKind()], ['dim', intKind(optional), optional]], valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, l]) => [t, l ? [t.shape[0]] : 1, 0]) },
  { m: 'chunk', fn: true, slots: [['chunks', intKind()], ['dim', intKind(optional), optional]], valid: gradTensorArb.map((t) => [t, 2, -1]) },
  { m: 'narrow', fn: true, slots: [['dim', intKind()], ['start', intKind()], ['length', intKind()]], valid: gradTensorArb.map((t) => [t, 0, -1, 1]) },
  {
    m: 'slice', fn: false, slots: [['dim', intKind()], ['start', intKind(optional), optional], ['end', intKind(optional), optional], ['step', intKind(optional), optional]],
    valid: gradTensorArb.map((t) => [t, 0, -3, 9, 2]),
  },
  { m: 'select', fn: true, slots: [['dim', intKind()], ['index', intKind()]], valid: gradTensorArb.map((t) => [t, 0, -1]) },
  { m: 'indexSelect', fn: true, slots: [['dim', intKind()], ['index', indexKind]], valid: gradTensorArb.map((t) => [t, 0, kiln.tensor([0, t.shape[0] - 1, 0])]) },
  { m: 'gather', fn: true, slots: [['dim', intKind()], ['index', indexKind]], valid: gradTensorArb.map((t) => [t, -1, kiln.zeros(t.shape)]) },
  {
    m: 'scatter', fn: true, slots: [['dim', intKind()], ['index', indexKind], ['src', (v) => fc.oneof(tensorKind()(v), fc.constantFrom(NaN, Infinity, 1e39).map((n) => strict(String(n), n)))]],
    valid: fc.tuple(gradTensorArb, fc.boolean()).map(([t, s]) => [t, 0, kiln.zeros(t.shape), s ? 2.5 : filled(t.shape, 5).requiresGrad_()]),
  },
  { m: 'scatterAdd', fn: true, slots: [['dim', intKind()], ['index', indexKind], ['src', tensorKind()]], valid: gradTensorArb.map((t) => [t, 0, kiln.zeros(t.shape), filled(t.shape, 6).requiresGrad_()]) },
  { m: 'maskedFill', fn: true, slots: [['mask', tensorKind()], ['value', () => junk(false)]], valid: gradTensorArb.map((t) => [t, filled(t.shape.slice(-1), 7), -1.5]) },
  { m: 'expand', fn: false, variadic: true, slots: [['sizes', expandSizesKind]], valid: gradTensorArb.map((t) => [t, [2, ...t.shape.map((s, i) => (i === 0 ? -1 : s))]]) },
  { m: 'repeat', fn: false, variadic: true, slots: [['sizes', shapeKind({ names: ['sizes'] })]], valid: gradTensorArb.map((t) => [t, t.shape.map((_, i) => (i === 0 ? 2 : 1))]) },
];

type AnyFn = (...a: unknown[]) => unknown;
const backAll = (y: unknown) => {
  if (Array.isArray(y)) y.forEach(back);
  else if (y instanceof Tensor) back(y);
  else if (y && typeof y === 'object' && 'values' in y) back((y as { values: Tensor }).values);
};

export const OPS2_TABLE: Entry[] = [
  ...specs.map((s) => api(`Tensor.${s.m}`, [['input', selfKind], ...s.slots], s.valid, (a) => backAll(((a[0] as Tensor)[s.m as keyof Tensor] as AnyFn).apply(a[0], a.slice(1))), s.variadic ? { variadic: true } : {})),
  ...specs.filter((s) => s.fn).map((s) => api(s.m, [['input', tensorKind()], ...s.slots], s.valid, (a) => backAll((kiln[s.m as keyof typeof kiln] as AnyFn)(...a)))),
  api('max', [['input', tensorKind()], ['dim', intKind(optional), optional], ['keepDim', boolKind(optional), optional]], fc.tuple(gradTensorArb, fc.boolean()).map(([t, k]) => [t, 0, k]), (a) => backAll(kiln.max(a[0] as Tensor, a[1] as number, a[2] as boolean))),
  api('where', [['condition', tensorKind()], ['input', num], ['other', num]], fc.tuple(gradTensorArb, fc.boolean()).map(([t, s]) => [filled(t.shape, 2), t, s ? 0 : filled(t.shape.slice(-1), 3)]),
    (a) => backAll(kiln.where(a[0] as Tensor, a[1] as Tensor, a[2] as Tensor))),
  ...(['cat', 'stack'] as const).map((m) =>
    api(m, [['tensors', tensorsKind], ['dim', intKind(optional), optional]], gradTensorArb.map((t) => [[t, filled(t.shape, 8).requiresGrad_()], -1]), (a) => backAll(kiln[m](a[0] as Tensor[], a[1] as number))),
  ),
  api('squeeze', [['input', tensorKind()], ['dim', intKind(optional), optional]], gradTensorArb.map((t) => [t, 0]), (a) => backAll(kiln.squeeze(a[0] as Tensor, a[1] as number))),
  api('unsqueeze', [['input', tensorKind()], ['dim', intKind()]], gradTensorArb.map((t) => [t, -1]), (a) => backAll(kiln.unsqueeze(a[0] as Tensor, a[1] as number))),
  api('permute', [['input', tensorKind()], ['dims', shapeKind({ names: ['dims'] })]], gradTensorArb.map((t) => [t, t.shape.map((_, i) => t.ndim - 1 - i)]), (a) => backAll(kiln.permute(a[0] as Tensor, a[1] as number[]))),
  api('oneHot', [['input', indexKind], ['numClasses', numClassesKind, optional]], fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([c, infer]) => [kiln.tensor([0, c - 1, 0]), infer ? -1 : c + 1]),
    (a) => nn.functional.oneHot(a[0] as Tensor, a[1] as number)),
];

