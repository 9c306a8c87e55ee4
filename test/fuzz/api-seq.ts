// Fuzz entries for issue 11's sequence pieces: Embedding (and F.embedding), Conv1d, MaxPool1d,
// AvgPool1d (and their functional forms), NLLLoss (and F.nllLoss).
import * as fc from 'fast-check';
import { Tensor, nn, Generator } from '../../lib';
import { Entry } from './engine';
import { boolKind, choiceKind, filled, intKind, junk, loose, numKind, optionsKind, strict, tensorKind } from './kinds';
import { api, back } from './api-common';
import { show } from './values';

const F = nn.functional;
const tensorArg = tensorKind();
const genKind = () => fc.oneof(junk(true, ['generator']), fc.constantFrom({ seed: 1 }, 7).map((v) => strict(show(v), v, ['generator'])));
const reductionKind = choiceKind({ optional: true, names: ['reduction'] });

/** Integer ids or class indices of `name`: the wrong type, out of range, fractional, ragged; other counts are loose. */
const indexKind = (name: string) => (valid: unknown) => {
  const n = Array.isArray(valid) ? valid.length : 3;
  const arr = (v: unknown) => Array.from({ length: Math.max(n, 1) }, (_, i) => (i === 0 ? v : 0));
  return fc.oneof(
    junk(false, [name]),
    fc
      .constantFrom<[string, unknown]>(
        ['-1', arr(-1)], ['1000', arr(1000)], ['1.5', arr(1.5)], ['NaN', arr(NaN)], ["'1'", arr('1')], ['null', arr(null)], ['2^31', arr(2 ** 31)],
        ['Int32Array with -1', Int32Array.from(arr(-1) as number[])], ['a Float32Array', new Float32Array(n)], ['a Uint8Array', new Uint8Array(n)],
        ['a Tensor of 1.5', new Tensor(new Float32Array(n).fill(1.5), [n])], ['ragged [[0], [0, 0]]', [[0], [0, 0]]], ['[[0], 0]', [[0], 0]],
      )
      .map(([l, v]) => strict(l, v, [name])),
    fc.constantFrom(n + 1, Math.max(n - 1, 0), 0).map((k) => loose(`${k} indices`, new Array(k).fill(0))),
    fc.constant(loose('a Tensor [n, 1]', new Tensor(new Float32Array(n), [n, 1]))),
  );
};

/** A 1-d size: a number or a one-element array; bad numbers and arrays of another length are errors. */
const singleKind = (opts: { optional?: boolean; names?: string[] } = {}) => () =>
  fc.oneof(
    junk(!!opts.optional, opts.names),
    fc.constantFrom(NaN, Infinity, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 31), 1e308).map((v) => strict(show(v), v, opts.names)),
    fc
      .constantFrom<[string, unknown]>(['[]', []], ['[1, 1]', [1, 1]], ['[NaN]', [NaN]], ['[-1]', [-1]], ["['1']", ['1']], ['[2^31]', [2 ** 31]], ['a Float32Array [1]', new Float32Array([1])])
      .map(([l, v]) => strict(l, v, opts.names)),
    fc.constantFrom(0, 1, 2, 3, 7, 65536, [2]).map((v) => loose(show(v), v)),
  );

const embOptions = (extra: Record<string, ReturnType<typeof intKind>> = {}) =>
  optionsKind({
    paddingIdx: intKind({ optional: true, names: ['paddingIdx'] }), maxNorm: numKind({ optional: true, names: ['maxNorm'] }), normType: numKind({ optional: true, names: ['normType'] }),
    scaleGradByFreq: boolKind({ optional: true, names: ['scaleGradByFreq'] }), sparse: boolKind({ optional: true, names: ['sparse'] }), ...extra,
  });
const EMB_NAMES = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'];
/** Nested ids in [0, 5) of shape [a, b]. */
const idsArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([a, b]) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: b, maxLength: b }), { minLength: a, maxLength: a }),
);
const flatIdsArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 });
/** An (N, 3, L) or (3, L) input and a window that fits it (kernel, stride, padding with 2p <= k). */
const seqArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 1 }))
  .filter(([, , L, k, , p]) => 2 * p <= k && k <= L + 2 * p)
  .map(([N, batched, L, k, s, p]) => ({ x: filled(batched ? [N, 3, L] : [3, L], N + L).requiresGrad_(), k, s, p }));
const poolOptions = (avg: boolean) =>
  optionsKind({ stride: singleKind({ optional: true, names: ['stride'] }), padding: singleKind({ optional: true, names: ['padding'] }), ...(avg ? { countIncludePad: boolKind({ optional: true, names: ['countIncludePad'] }) } : {}) });
/** (N, C) log-probabilities and class indices (some ignored). */
const nllArb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).chain(([N, C]) =>
  fc.array(fc.integer({ min: -1, max: C - 1 }).map((t) => (t < 0 ? -100 : t)), { minLength: N, maxLength: N }).map((t) => [filled([N, C], N + C).requiresGrad_(), t] as [Tensor, number[]]),
);
const nllOptions = () => optionsKind({ weight: tensorKind({ optional: true, names: ['weight'] }), ignoreIndex: intKind({ optional: true, names: ['ignoreIndex'] }), reduction: reductionKind });

function forward(m: nn.Module, ...xs: unknown[]): void {
  back(m.forward(...xs));
}

export const SEQ_TABLE: Entry[] = [
  api('new Embedding', [['numEmbeddings', intKind()], ['embeddingDim', intKind()], ['options', embOptions({ generator: genKind }), { optional: true, names: [...EMB_NAMES, 'generator'] }]],
    fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 })).map(([v, e]) => [v, e, { paddingIdx: -1, maxNorm: 1, generator: new Generator(v) }]),
    (a) => new nn.Embedding(a[0] as number, a[1] as number, a[2] as {})),
  api('Embedding.forward', [['ids', indexKind('ids')]], idsArb.map((ids) => [ids]), (a) => forward(new nn.Embedding(5, 3, { paddingIdx: 0, generator: new Generator(1) }), a[0])),
  api('Embedding.fromPretrained', [['embeddings', tensorArg], ['options', embOptions({ freeze: boolKind({ optional: true, names: ['freeze'] }) }), { optional: true, names: [...EMB_NAMES, 'freeze'] }]],
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([v, e, f]) => [filled([v, e]), { freeze: f, paddingIdx: 0 }]),
    (a) => nn.Embedding.fromPretrained(a[0] as Tensor, a[1] as {})),
  api('embedding', [['input', indexKind('input')], ['weight', tensorArg], ['options', embOptions(), { optional: true, names: EMB_NAMES }]],
    flatIdsArb.map((ids) => [ids, filled([5, 3]).requiresGrad_(), { paddingIdx: 2 }]), (a) => back(F.embedding(a[0] as number[], a[1] as Tensor, a[2] as {}))),
  api('new Conv1d', [['inChannels', intKind()], ['outChannels', intKind()], ['kernelSize', singleKind({ names: ['kernelSize'] })],
    ['options', optionsKind({ stride: singleKind({ optional: true, names: ['stride'] }), padding: singleKind({ optional: true, names: ['padding'] }), bias: boolKind({ optional: true, names: ['bias'] }), generator: genKind }), { optional: true, names: ['stride', 'padding', 'bias', 'generator'] }]],
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([i, o, k, b]) => [i, o, k, { stride: 1, padding: [1], bias: b, generator: new Generator(5) }]),
    (a) => new nn.Conv1d(a[0] as number, a[1] as number, a[2] as number, a[3] as {})),
  api('Conv1d.forward', [['input', tensorArg]], seqArb.map(({ x }) => [x]), (a) => forward(new nn.Conv1d(3, 2, 1, { padding: 1, generator: new Generator(1) }), a[0])),
  api('conv1d', [['input', tensorArg], ['weight', tensorArg],
    ['options', optionsKind({ bias: tensorKind({ optional: true, names: ['bias'] }), stride: singleKind({ optional: true, names: ['stride'] }), padding: singleKind({ optional: true, names: ['padding'] }) }), { optional: true, names: ['bias', 'stride', 'padding'] }]],
    fc.tuple(seqArb, fc.integer({ min: 1, max: 3 })).map(([{ x, k, s, p }, oc]) => [x, filled([oc, 3, k], oc).requiresGrad_(), { bias: filled([oc], 7).requiresGrad_(), stride: s, padding: p }]),
    (a) => back(F.conv1d(a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  ...(['MaxPool1d', 'AvgPool1d'] as const).flatMap((n) => [
    api(`new ${n}`, [['kernelSize', singleKind({ names: ['kernelSize'] })], ['options', poolOptions(n === 'AvgPool1d'), { optional: true, names: ['stride', 'padding', 'kernelSize', ...(n === 'AvgPool1d' ? ['countIncludePad'] : [])] }]],
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).map(([k, s]) => [k, { stride: s, padding: k >> 1 }]), (a) => new nn[n](a[0] as number, a[1] as {})),
    api(`${n}.forward`, [['input', tensorArg]], seqArb.map(({ x }) => [x]), (a) => forward(new nn[n](1), a[0])),
  ]),
  ...(['maxPool1d', 'avgPool1d'] as const).map((f) =>
    api(f, [['input', tensorArg], ['kernelSize', singleKind({ names: ['kernelSize'] })], ['options', poolOptions(f === 'avgPool1d'), { optional: true, names: ['stride', 'padding', 'kernelSize', ...(f === 'avgPool1d' ? ['countIncludePad'] : [])] }]],
      seqArb.map(({ x, k, s, p }) => [x, k, { stride: s, padding: p }]), (a) => back(F[f](a[0] as Tensor, a[1] as number, a[2] as {}))),
  ),
  api('new NLLLoss', [['options', nllOptions(), { optional: true, names: ['weight', 'ignoreIndex', 'reduction'] }]],
    fc.constantFrom('mean', 'sum', 'none').map((r) => [{ weight: filled([3]), ignoreIndex: 0, reduction: r }]), (a) => new nn.NLLLoss(a[0] as {})),
  api('NLLLoss.forward', [['input', tensorArg], ['target', indexKind('target')]], nllArb, (a) => forward(new nn.NLLLoss(), a[0], a[1])),
  api('nllLoss', [['input', tensorArg], ['target', indexKind('target')], ['options', nllOptions(), { optional: true, names: ['weight', 'ignoreIndex', 'reduction'] }]],
    nllArb.map(([x, t]) => [x, t, { weight: filled([x.shape[1]], 4), reduction: 'sum', ignoreIndex: -100 }]), (a) => back(F.nllLoss(a[0] as Tensor, a[1] as number[], a[2] as {}))),
];
