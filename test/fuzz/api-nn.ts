// Fuzz entries for kiln.nn: Module's methods, the layers and losses (constructors and
// forward), nn.functional, nn.init, nn.utils and nn.regularization.
import * as fc from 'fast-check';
import { Tensor, nn, Generator } from '../../lib';
import { Entry } from './engine';
import { boolKind, choiceKind, filled, fnKind, intKind, junk, loose, numKind, optionsKind, shapeKind, strict, tensorKind } from './kinds';
import { api, back, gradTensorArb, matrixArb, smallModel, tensorArb, withGrads } from './api-common';
import { show } from './values';

const F = nn.functional;
const optional = { optional: true };
const tensorArg = tensorKind();
const genKind = () => fc.oneof(junk(true, ['generator']), fc.constantFrom({ seed: 1 }, 7).map((v) => strict(show(v), v, ['generator'])));
const reductionKind = choiceKind({ optional: true, names: ['reduction'] });

/** Class indices for (N, C) logits: the wrong type, out of range, fractional, the wrong count. */
const targetsKind = (valid: unknown) => {
  const n = Array.isArray(valid) ? valid.length : 3;
  const arr = (v: number) => Array.from({ length: Math.max(n, 1) }, (_, i) => (i === 0 ? v : 0));
  return fc.oneof(
    junk(false, ['target']),
    fc
      .constantFrom<[string, unknown]>(
        ['-1', arr(-1)], ['C (one past the last class)', arr(1000)], ['1.5', arr(1.5)], ['NaN', arr(NaN)], ["'1'", arr('1' as unknown as number)],
        ['2^31', arr(2 ** 31)], ['Int32Array with -1', Int32Array.from(arr(-1))], ['a Float32Array', new Float32Array(n)], ['a Float64Array', new Float64Array(n)],
        ['a Uint8Array', new Uint8Array(n)], ['a Tensor of 1.5', new Tensor(new Float32Array(n).fill(1.5), [n])],
      )
      .map(([l, v]) => strict(l, v, ['target'])),
    fc.constantFrom(n + 1, Math.max(n - 1, 0), 0).map((k) => loose(`${k} indices`, new Array(k).fill(0))),
    fc.constant(loose('a Tensor [n, 1]', new Tensor(new Float32Array(n), [n, 1]))),
  );
};
/** (N, C) logits and valid class indices. */
const logitsAndTargets = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).chain(([N, C]) =>
  fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: N, maxLength: N }).map((t) => [filled([N, C], N + C).requiresGrad_(), t] as [Tensor, number[]]),
);
/** Probabilities (|sin| in [0, 1]) and 0/1 targets for BCELoss. */
const probPairArb = fc.constant(0).chain(() => tensorArb).map((t) => [new Tensor(t.data.map(Math.abs), t.shape.slice()).requiresGrad_(), new Tensor(filled(t.shape, 9).data.map((v) => (v > 0 ? 1 : 0)), t.shape.slice())]);
/** (N, D) pairs and labels of 1 or -1 for CosineEmbeddingLoss. */
const cosineArb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).chain(([N, D]) =>
  fc.array(fc.constantFrom(1, -1), { minLength: N, maxLength: N }).map((y) => [filled([N, D], N).requiresGrad_(), filled([N, D], D + 5).requiresGrad_(), y]),
);
const pairArb = tensorArb.map((t) => [t.requiresGrad_(), filled(t.shape, 9).data.map((v) => (v > 0 ? 1 : 0))] as const).map(([x, y]) => [x, new Tensor(y, x.shape.slice())]);

/** A layer's forward on a valid input, then backward when it records a graph. */
function forward(m: nn.Module, x: unknown, ...rest: unknown[]): void {
  const y = m.forward(x, ...rest);
  if (y instanceof Tensor && y.requiresGrad) y.sum().backward();
}

/** A state dict for smallModel with one thing wrong. */
const SD_NAMES = ['stateDict', '0.weight', '0.bias', 'extra', 'strict'];
const stateDictKind = () =>
  fc.oneof(
    junk(false, SD_NAMES),
    fc
      .constantFrom<[string, () => unknown]>(
        ['a key missing', () => { const sd = smallModel().stateDict(); delete sd['0.bias']; return sd; }],
        ['an extra key', () => ({ ...smallModel().stateDict(), extra: filled([1]) })],
        ['a wrong shape', () => ({ ...smallModel().stateDict(), '0.weight': filled([3, 4]) })],
        ['a number value', () => ({ ...smallModel().stateDict(), '0.bias': 1 })],
        ['a Float32Array value', () => ({ ...smallModel().stateDict(), '0.bias': new Float32Array(4) })],
        ['data one short', () => { const sd = smallModel().stateDict(); (sd['0.bias'] as { data: unknown }).data = new Float32Array(3); return sd; }],
        ['data one long', () => { const sd = smallModel().stateDict(); (sd['0.bias'] as { data: unknown }).data = new Float32Array(5); return sd; }],
        ['a Float64Array data', () => { const sd = smallModel().stateDict(); (sd['0.bias'] as { data: unknown }).data = new Float64Array(4); return sd; }],
        ['an array', () => []],
      )
      .map(([l, make]) => strict(l, make(), SD_NAMES)),
  );

const paramsKind = (names = ['parameters']) => () =>
  fc.oneof(
    junk(false, names),
    fc.constantFrom<[string, unknown]>(['[1, 2]', [1, 2]], ['[Tensor, null]', [filled([2]), null]], ["'ab' (an iterable string)", 'ab'], ['a Set of numbers', new Set([1])]).map(([l, v]) => strict(l, v, names)),
  );

const acts: [string, () => nn.Module][] = [['ReLU', () => new nn.ReLU()], ['Sigmoid', () => new nn.Sigmoid()], ['Tanh', () => new nn.Tanh()], ['SELU', () => new nn.SELU()]];
const fns = ['relu', 'sigmoid', 'tanh', 'selu'] as const;
const initFill = ['zeros', 'ones'] as const;

/** A (height, width) pair argument: non-numbers, bad numbers, pairs of the wrong length or with a bad element. */
const pairKind = (opts: { optional?: boolean; names?: string[] } = {}) => () =>
  fc.oneof(
    junk(!!opts.optional, opts.names),
    fc.constantFrom(NaN, Infinity, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 31), 1e308).map((v) => strict(show(v), v, opts.names)),
    fc
      .constantFrom<[string, unknown]>(['[]', []], ['[1]', [1]], ['[1, 1, 1]', [1, 1, 1]], ['[1, NaN]', [1, NaN]], ['[-1, 1]', [-1, 1]], ['[1.5, 1]', [1.5, 1]], ["['1', 1]", ['1', 1]],
        ['[1, 2^31]', [1, 2 ** 31]], ['[2^31 - 1, 1]', [2 ** 31 - 1, 1]], ['a Float32Array [1, 1]', new Float32Array([1, 1])])
      .map(([l, v]) => strict(l, v, opts.names)),
    fc.constantFrom(0, 1, 2, 3, 7, 2 ** 30, 2 ** 31 - 1).map((v) => loose(show(v), v)),
  );
/** An (N, C, H, W) input of 3 channels and a pooling window that fits it (kernel, stride, padding with 2p <= k). */
const poolArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 1 }))
  .filter(([, H, W, k, , p]) => 2 * p <= k && k <= Math.min(H, W) + 2 * p)
  .map(([N, H, W, k, s, p]) => ({ x: filled([N, 3, H, W], N + H).requiresGrad_(), k, s, p }));
/** Normalisation inputs: (N, C, L) or (N, C) with C = 3 and N * L > 1. */
const bn1dArb = fc.tuple(fc.integer({ min: 2, max: 4 }), fc.boolean(), fc.integer({ min: 1, max: 3 })).map(([N, three, L]) => filled(three ? [N, 3, L] : [N, 3], N + L).requiresGrad_());
const bn2dArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 3 })).map(([N, H, W]) => filled([N, 3, H, W], N + H + W).requiresGrad_());
/** (..., 4) rows for LayerNorm([4]) and RMSNorm([4]). */
const rowsArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 }).map((lead) => filled([...lead, 4], lead.length + 1).requiresGrad_());
const bnOptions = () => optionsKind({ eps: numKind({ optional: true, names: ['eps'] }), momentum: numKind({ optional: true, names: ['momentum'] }), affine: boolKind({ optional: true, names: ['affine'] }), trackRunningStats: boolKind({ optional: true, names: ['trackRunningStats'] }) });
const poolOptions = (avg: boolean) =>
  optionsKind({ stride: pairKind({ optional: true, names: ['stride'] }), padding: pairKind({ optional: true, names: ['padding'] }), ...(avg ? { countIncludePad: boolKind({ optional: true, names: ['countIncludePad'] }) } : {}) });
const POOL_NAMES = ['stride', 'padding', 'kernelSize'];

/** An iterable of modules (ModuleList) or tensors (ParameterList): junk that is no iterable (an empty array or Map is valid), and items of the wrong type. */
const listKind = (item: unknown, optionalArg: boolean, names: string[]) => () =>
  fc.oneof(
    junk(optionalArg, names).filter((c) => !['[]', 'a Map'].includes(c.label)),
    fc.constantFrom<[string, () => unknown]>(['[item, 1]', () => [item, 1]], ['[null]', () => [null]], ["'ab' (an iterable string)", () => 'ab'], ['a Set of numbers', () => new Set([1])]).map(([l, make]) => strict(l, make(), names)),
  );
/** ModuleDict's modules: junk that is neither a plain object, a Map nor an iterable of pairs, and bad pairs, values or keys. */
const dictKind = (optionalArg: boolean) => () =>
  fc.oneof(
    junk(optionalArg, ['modules']).filter((c) => !['[]', '{}', 'a Map', 'Object.create(null)'].includes(c.label)),
    fc
      .constantFrom<[string, () => unknown]>(['{ a: 1 }', () => ({ a: 1 })], ["[['a', 1]]", () => [['a', 1]]], ["[['a.b', ReLU]]", () => [['a.b', new nn.ReLU()]]], ['{ training: ReLU }', () => ({ training: new nn.ReLU() })],
        ["{ '': ReLU }", () => ({ '': new nn.ReLU() })], ['[[1, ReLU]]', () => [[1, new nn.ReLU()]]], ['[ReLU]', () => [new nn.ReLU()]])
      .map(([l, make]) => strict(l, make(), ['modules', 'key'])),
  );
/** A ModuleDict key: non-strings (strings other than '' are valid keys for set), and reserved or dotted names. */
const dictKeyKind = () =>
  fc.oneof(
    junk(false).filter((c) => typeof c.value !== 'string' || c.value === ''),
    fc.constantFrom('a.b', 'training', 'forward', 'keys', '__proto__').map((v) => strict(show(v), v)),
  );
const twoDict = () => new nn.ModuleDict({ a: new nn.Linear(3, 2), b: new nn.ReLU() });
const hookModel = (register: (m: nn.Module) => { remove(): void }) => {
  const m = smallModel();
  const h = register(m);
  forward(m, filled([2, 3]).requiresGrad_());
  h.remove();
};

export const NN_TABLE: Entry[] = [
  // ---- Module ----
  api('Module.train', [['mode', boolKind(optional), optional]], fc.boolean().map((b) => [b]), (a) => smallModel().train(a[0] as boolean)),
  api('Module.eval', [], fc.constant([]), () => smallModel().eval()),
  api('Module.zeroGrad', [], fc.constant([]), () => withGrads(smallModel()).zeroGrad()),
  api('Module.apply', [['fn', fnKind()]], fc.constant([() => undefined]), (a) => smallModel().apply(a[0] as () => void)),
  api('Module.stateDict', [], fc.constant([]), () => smallModel().stateDict()),
  api('Module.parameters', [], fc.constant([]), () => [smallModel().parameters(), smallModel().namedParameters(), smallModel().buffers(), smallModel().modules(), smallModel().children()]),
  api('Module.loadStateDict', [['stateDict', stateDictKind], ['options', optionsKind({ strict: boolKind({ optional: true, names: ['strict'] }) }), { optional: true, names: ['strict'] }]],
    fc.boolean().map((s) => [smallModel().stateDict(), { strict: s }]), (a) => smallModel().loadStateDict(a[0] as Record<string, Tensor>, a[1] as {})),
  // ---- containers and layers ----
  api('Module.requiresGrad_', [['requiresGrad', boolKind(optional), optional]], fc.boolean().map((b) => [b]), (a) => forward(smallModel().requiresGrad_(a[0] as boolean), filled([2, 3]))),
  api('Module.registerForwardPreHook', [['hook', fnKind()]], fc.constant([(_m: unknown, i: unknown[]) => i]), (a) => hookModel((m) => m.registerForwardPreHook(a[0] as () => undefined))),
  api('Module.registerForwardHook', [['hook', fnKind()]], fc.constant([(_m: unknown, _i: unknown, o: unknown) => o]), (a) => hookModel((m) => m.registerForwardHook(a[0] as () => undefined))),
  api('Module.registerFullBackwardHook', [['hook', fnKind()]], fc.constant([(_m: unknown, gi: unknown[]) => gi]), (a) => hookModel((m) => m.registerFullBackwardHook(a[0] as () => undefined))),
  api('new ModuleList', [['modules', listKind(new nn.ReLU(), true, ['modules']), optional]], fc.constant(0).map(() => [[new nn.ReLU(), new nn.Linear(2, 2)]]), (a) => new nn.ModuleList(a[0] as nn.Module[])),
  api('ModuleList.append', [['module', () => junk(false)]], fc.constant(0).map(() => [new nn.ReLU()]), (a) => new nn.ModuleList().append(a[0] as nn.Module)),
  api('ModuleList.extend', [['modules', listKind(new nn.ReLU(), false, ['modules'])]], fc.constant(0).map(() => [[new nn.Tanh()]]), (a) => new nn.ModuleList([new nn.ReLU()]).extend(a[0] as nn.Module[])),
  api('ModuleList.insert', [['index', intKind()], ['module', () => junk(false)]], fc.integer({ min: -2, max: 2 }).map((i) => [i, new nn.ReLU()]),
    (a) => new nn.ModuleList([new nn.Tanh(), new nn.Sigmoid()]).insert(a[0] as number, a[1] as nn.Module)),
  api('ModuleList.get', [['i', intKind()]], fc.integer({ min: -2, max: 1 }).map((i) => [i]), (a) => new nn.ModuleList([new nn.Tanh(), new nn.Sigmoid()]).get(a[0] as number)),
  api('new ModuleDict', [['modules', dictKind(true), optional]], fc.constant(0).map(() => [{ a: new nn.ReLU(), 1: new nn.Tanh() }]), (a) => new nn.ModuleDict(a[0] as {})),
  api('ModuleDict.update', [['modules', dictKind(false)]], fc.constant(0).map(() => [new Map([['c', new nn.ReLU()]])]), (a) => twoDict().update(a[0] as {})),
  api('ModuleDict.get', [['key', () => fc.oneof(junk(false), fc.constantFrom('zz', 'training').map((v) => strict(show(v), v)))]], fc.constantFrom('a', 'b').map((k) => [k]), (a) => twoDict().get(a[0] as string)),
  api('ModuleDict.set', [['key', dictKeyKind, { sweep: 'a.b' }], ['module', () => junk(false)]], fc.constantFrom('a', 'c', '0').map((k) => [k, new nn.ReLU()]), (a) => twoDict().set(a[0] as string, a[1] as nn.Module)),
  api('new ParameterList', [['params', listKind(filled([2]), true, ['params']), optional]], fc.constant(0).map(() => [[filled([2]), new nn.Parameter(filled([3]))]]), (a) => new nn.ParameterList(a[0] as Tensor[])),
  api('ParameterList.append', [['parameter', () => junk(false)]], fc.constant(0).map(() => [filled([2])]), (a) => new nn.ParameterList().append(a[0] as Tensor)),
  api('ParameterList.extend', [['params', listKind(filled([2]), false, ['params'])]], fc.constant(0).map(() => [[filled([2])]]), (a) => new nn.ParameterList().extend(a[0] as Tensor[])),
  api('ParameterList.get', [['i', intKind()]], fc.integer({ min: -2, max: 1 }).map((i) => [i]), (a) => new nn.ParameterList([filled([1]), filled([2])]).get(a[0] as number)),
  api('new Identity', [], fc.constant([]), () => new nn.Identity()),
  api('Identity.forward', [['input', null]], tensorArb.map((t) => [t]), (a) => new nn.Identity().forward(a[0])),
  api('new LogSoftmax', [['dim', intKind()]], fc.constant([-1]), (a) => new nn.LogSoftmax(a[0] as number)),
  api('LogSoftmax.forward', [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => forward(new nn.LogSoftmax(0), a[0])),
  api('new Sequential', [['module 0', () => junk(false)], ['module 1', () => junk(false), optional]], fc.constant([new nn.ReLU(), new nn.Tanh()]), (a) => new nn.Sequential(...(a as nn.Module[])), { variadic: true }),
  api('Sequential.get', [['i', intKind()]], fc.integer({ min: -3, max: 2 }).map((i) => [i]), (a) => smallModel().get(a[0] as number)),
  api('Sequential.forward', [['input', tensorArg]], fc.integer({ min: 1, max: 4 }).map((n) => [filled([n, 3]).requiresGrad_()]), (a) => forward(smallModel(), a[0])),
  api('new Linear', [['inFeatures', intKind()], ['outFeatures', intKind()], ['options', optionsKind({ bias: boolKind({ optional: true, names: ['bias'] }), generator: genKind }), { optional: true, names: ['bias', 'generator'] }]],
    fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.boolean()).map(([i, o, b]) => [i, o, { bias: b, generator: new Generator(i) }]),
    (a) => new nn.Linear(a[0] as number, a[1] as number, a[2] as {})),
  api('Linear.forward', [['input', tensorArg]], fc.integer({ min: 1, max: 4 }).map((n) => [filled([n, 3]).requiresGrad_()]), (a) => forward(new nn.Linear(3, 2), a[0])),
  api('new Flatten', [['startDim', intKind(optional), optional], ['endDim', intKind(optional), optional]], fc.constant([1, -1]), (a) => new nn.Flatten(a[0] as number, a[1] as number)),
  api('Flatten.forward', [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => forward(new nn.Flatten(0), a[0])),
  ...acts.map(([n, make]) => api(`${n}.forward`, [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => forward(make(), a[0]))),
  api('new LeakyReLU', [['options', optionsKind({ negativeSlope: numKind({ optional: true, names: ['negativeSlope'] }) }), { optional: true, names: ['negativeSlope'] }]], fc.constant([{ negativeSlope: 0.2 }]), (a) => new nn.LeakyReLU(a[0] as {})),
  api('LeakyReLU.forward', [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => forward(new nn.LeakyReLU(), a[0])),
  api('new GELU', [['options', optionsKind({ approximate: choiceKind({ optional: true, names: ['approximate'] }) }), { optional: true, names: ['approximate'] }]], fc.constantFrom('none', 'tanh').map((s) => [{ approximate: s }]), (a) => new nn.GELU(a[0] as {})),
  api('GELU.forward', [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => forward(new nn.GELU({ approximate: 'tanh' }), a[0])),
  api('new Softmax', [['dim', intKind()]], fc.constant([-1]), (a) => new nn.Softmax(a[0] as number)),
  api('Softmax.forward', [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => forward(new nn.Softmax(0), a[0])),
  api('new Dropout', [['p', numKind(optional), optional], ['options', optionsKind({ generator: genKind }), { optional: true, names: ['generator'] }]], fc.double({ min: 0, max: 1, noNaN: true }).map((p) => [p, {}]),
    (a) => new nn.Dropout(a[0] as number, a[1] as {})),
  api('Dropout.forward', [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => forward(new nn.Dropout(0.3), a[0])),
  ...(['Dropout1d', 'Dropout2d'] as const).flatMap((n) => [
    api(`new ${n}`, [['p', numKind(optional), optional], ['options', optionsKind({ generator: genKind }), { optional: true, names: ['generator'] }]], fc.double({ min: 0, max: 1, noNaN: true }).map((p) => [p, {}]),
      (a) => new nn[n](a[0] as number, a[1] as {})),
    api(`${n}.forward`, [['input', tensorArg]], (n === 'Dropout1d' ? bn1dArb : bn2dArb).map((t) => [t]), (a) => forward(new nn[n](0.3), a[0])),
  ]),
  api('new CrossEntropyLoss', [['options', optionsKind({ labelSmoothing: numKind({ optional: true, names: ['labelSmoothing'] }), reduction: reductionKind, weight: tensorKind({ optional: true, names: ['weight'] }) }), { optional: true, names: ['labelSmoothing', 'reduction', 'weight'] }]],
    fc.constant([{ labelSmoothing: 0.1, weight: filled([3]) }]), (a) => new nn.CrossEntropyLoss(a[0] as {})),
  api('CrossEntropyLoss.forward', [['input', tensorArg], ['target', targetsKind]], logitsAndTargets, (a) => forward(new nn.CrossEntropyLoss(), a[0], a[1])),
  ...(['MSELoss', 'L1Loss'] as const).flatMap((n) => [
    api(`new ${n}`, [['options', optionsKind({ reduction: reductionKind }), { optional: true, names: ['reduction'] }]], fc.constantFrom('sum', 'none').map((r) => [{ reduction: r }]), (a) => new nn[n](a[0] as {})),
    api(`${n}.forward`, [['input', tensorArg], ['target', tensorArg]], pairArb, (a) => forward(new nn[n](), a[0], a[1])),
  ]),
  api('new BCEWithLogitsLoss', [['options', optionsKind({ reduction: reductionKind, posWeight: tensorKind({ optional: true, names: ['posWeight'] }), weight: tensorKind({ optional: true, names: ['weight'] }) }), { optional: true, names: ['reduction', 'posWeight', 'weight'] }]],
    fc.constant([{ posWeight: filled([1]), weight: filled([1], 2) }]), (a) => new nn.BCEWithLogitsLoss(a[0] as {})),
  api('BCEWithLogitsLoss.forward', [['input', tensorArg], ['target', tensorArg]], pairArb, (a) => forward(new nn.BCEWithLogitsLoss({ posWeight: filled([1]), weight: filled([1], 2) }), a[0], a[1])),
  api('new BCELoss', [['options', optionsKind({ weight: tensorKind({ optional: true, names: ['weight'] }), reduction: reductionKind }), { optional: true, names: ['weight', 'reduction'] }]],
    fc.constantFrom('sum', 'none').map((r) => [{ weight: filled([1]), reduction: r }]), (a) => new nn.BCELoss(a[0] as {})),
  api('BCELoss.forward', [['input', tensorArg], ['target', tensorArg]], probPairArb, (a) => forward(new nn.BCELoss({ weight: filled([1]) }), a[0], a[1])),
  ...([['HuberLoss', 'delta'], ['SmoothL1Loss', 'beta']] as const).flatMap(([n, k]) => [
    api(`new ${n}`, [['options', optionsKind({ reduction: reductionKind, [k]: numKind({ optional: true, names: [k] }) }), { optional: true, names: ['reduction', k] }]],
      fc.double({ min: 0.1, max: 3, noNaN: true }).map((v) => [{ reduction: 'sum', [k]: v }]), (a) => new nn[n](a[0] as {})),
    api(`${n}.forward`, [['input', tensorArg], ['target', tensorArg]], pairArb, (a) => forward(new nn[n](), a[0], a[1])),
  ]),
  api('new KLDivLoss', [['options', optionsKind({ reduction: reductionKind, logTarget: boolKind({ optional: true, names: ['logTarget'] }) }), { optional: true, names: ['reduction', 'logTarget'] }]],
    fc.tuple(fc.constantFrom('mean', 'batchmean', 'sum', 'none'), fc.boolean()).map(([r, l]) => [{ reduction: r, logTarget: l }]), (a) => new nn.KLDivLoss(a[0] as {})),
  api('KLDivLoss.forward', [['input', tensorArg], ['target', tensorArg]], pairArb, (a) => forward(new nn.KLDivLoss({ reduction: 'batchmean' }), a[0], a[1])),
  api('new CosineEmbeddingLoss', [['options', optionsKind({ margin: numKind({ optional: true, names: ['margin'] }), reduction: reductionKind }), { optional: true, names: ['margin', 'reduction'] }]],
    fc.double({ min: -1, max: 1, noNaN: true }).map((m) => [{ margin: m }]), (a) => new nn.CosineEmbeddingLoss(a[0] as {})),
  api('CosineEmbeddingLoss.forward', [['input1', tensorArg], ['input2', tensorArg], ['target', targetsKind]], cosineArb, (a) => forward(new nn.CosineEmbeddingLoss({ margin: 0.2 }), a[0], a[1], a[2])),
  // ---- normalisation, convolution and pooling layers ----
  ...(['BatchNorm1d', 'BatchNorm2d'] as const).flatMap((n) => [
    api(`new ${n}`, [['numFeatures', intKind()], ['options', bnOptions(), { optional: true, names: ['eps', 'momentum', 'affine', 'trackRunningStats'] }]],
      fc.tuple(fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.boolean(), fc.constantFrom(0.1, null)).map(([c, a, t, m]) => [c, { affine: a, trackRunningStats: t, momentum: m, eps: 1e-5 }]),
      (a) => new nn[n](a[0] as number, a[1] as {})),
    api(`${n}.forward`, [['input', tensorArg]], (n === 'BatchNorm1d' ? bn1dArb : bn2dArb).chain((x) => fc.boolean().map((train) => [x, train])),
      (a) => { const m = new nn[n](3); m.train(a[1] !== false); forward(m, a[0]); }),
  ]),
  api('new LayerNorm', [['normalizedShape', shapeKind({ names: ['normalizedShape'] })], ['options', optionsKind({ eps: numKind({ optional: true, names: ['eps'] }), elementwiseAffine: boolKind({ optional: true, names: ['elementwiseAffine'] }), bias: boolKind({ optional: true, names: ['bias'] }) }), { optional: true, names: ['eps', 'elementwiseAffine', 'bias'] }]],
    fc.tuple(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 })), fc.boolean(), fc.boolean()).map(([ns, a, b]) => [ns, { elementwiseAffine: a, bias: b, eps: 1e-5 }]),
    (a) => new nn.LayerNorm(a[0] as number[], a[1] as {})),
  api('LayerNorm.forward', [['input', tensorArg]], rowsArb.map((x) => [x]), (a) => forward(new nn.LayerNorm([4]), a[0])),
  api('new RMSNorm', [['normalizedShape', shapeKind({ names: ['normalizedShape'] })], ['options', optionsKind({ eps: numKind({ optional: true, names: ['eps'] }), elementwiseAffine: boolKind({ optional: true, names: ['elementwiseAffine'] }) }), { optional: true, names: ['eps', 'elementwiseAffine'] }]],
    fc.tuple(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 })), fc.boolean(), fc.constantFrom(1e-6, null)).map(([ns, a, e]) => [ns, { elementwiseAffine: a, eps: e }]),
    (a) => new nn.RMSNorm(a[0] as number[], a[1] as {})),
  api('RMSNorm.forward', [['input', tensorArg]], rowsArb.map((x) => [x]), (a) => forward(new nn.RMSNorm([4]), a[0])),
  api('new Conv2d', [['inChannels', intKind()], ['outChannels', intKind()], ['kernelSize', pairKind({ names: ['kernelSize'] })],
    ['options', optionsKind({ stride: pairKind({ optional: true, names: ['stride'] }), padding: pairKind({ optional: true, names: ['padding'] }), bias: boolKind({ optional: true, names: ['bias'] }), generator: genKind }), { optional: true, names: ['stride', 'padding', 'bias', 'generator'] }]],
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.oneof(fc.integer({ min: 1, max: 3 }), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))), fc.boolean())
      .map(([i, o, k, b]) => [i, o, k, { stride: 1, padding: [0, 1], bias: b, generator: new Generator(5) }]),
    (a) => new nn.Conv2d(a[0] as number, a[1] as number, a[2] as number, a[3] as {})),
  api('Conv2d.forward', [['input', tensorArg]], poolArb.map(({ x }) => [x]), (a) => forward(new nn.Conv2d(3, 2, 1, { padding: 1, generator: new Generator(1) }), a[0])),
  ...(['MaxPool2d', 'AvgPool2d'] as const).flatMap((n) => [
    api(`new ${n}`, [['kernelSize', pairKind({ names: ['kernelSize'] })], ['options', poolOptions(n === 'AvgPool2d'), { optional: true, names: POOL_NAMES.slice(0, 2).concat(n === 'AvgPool2d' ? ['countIncludePad'] : []) }]],
      fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).map(([k, s]) => [k, { stride: s, padding: k >> 1 }]), (a) => new nn[n](a[0] as number, a[1] as {})),
    api(`${n}.forward`, [['input', tensorArg]], poolArb.map(({ x }) => [x]), (a) => forward(new nn[n](1, { padding: 0 }), a[0])),
  ]),
  api('new AdaptiveAvgPool2d', [['outputSize', pairKind({ names: ['outputSize'] })]], fc.oneof(fc.integer({ min: 1, max: 4 }), fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))).map((o) => [o]),
    (a) => new nn.AdaptiveAvgPool2d(a[0] as number)),
  api('AdaptiveAvgPool2d.forward', [['input', tensorArg]], poolArb.map(({ x }) => [x]), (a) => forward(new nn.AdaptiveAvgPool2d([2, 3]), a[0])),
  api('new Unflatten', [['dim', intKind()], ['sizes', shapeKind({ names: ['sizes'] })]], fc.tuple(fc.integer({ min: -2, max: 1 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 })).map(([d, s]) => [d, s]),
    (a) => new nn.Unflatten(a[0] as number, a[1] as number[])),
  api('Unflatten.forward', [['input', tensorArg]], fc.integer({ min: 1, max: 3 }).map((n) => [filled([n, 6]).requiresGrad_()]), (a) => forward(new nn.Unflatten(1, [2, 3]), a[0])),
  api('new Parameter', [['data', tensorKind()], ['requiresGrad', boolKind(optional), optional]], fc.tuple(tensorArb, fc.boolean()).map(([t, r]) => [t, r]),
    (a) => new nn.Parameter(a[0] as Tensor, a[1] as boolean)),
  api('new Buffer', [['data', tensorKind()], ['shape', () => junk(true)], ['options', optionsKind({ persistent: boolKind({ optional: true, names: ['persistent'] }) }), { optional: true, names: ['persistent'] }]],
    tensorArb.map((t) => [t, undefined, {}]), (a) => new nn.Buffer(a[0] as Tensor, a[1] as number[], a[2] as {})),

  // ---- nn.functional ----
  api('linear', [['input', tensorArg], ['weight', tensorArg], ['options', optionsKind({ bias: tensorKind({ optional: true, names: ['bias'] }) }), { optional: true, names: ['bias'] }]],
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([n, c, o]) => [filled([n, c]).requiresGrad_(), filled([o, c], 2).requiresGrad_(), { bias: filled([o], 3).requiresGrad_() }]),
    (a) => back(F.linear(a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  ...fns.map((f) => api(f, [['input', tensorArg]], gradTensorArb.map((t) => [t]), (a) => back(F[f](a[0] as Tensor)))),
  api('leakyRelu', [['input', tensorArg], ['options', optionsKind({ negativeSlope: numKind({ optional: true, names: ['negativeSlope'] }) }), { optional: true, names: ['negativeSlope'] }]], gradTensorArb.map((t) => [t, { negativeSlope: 0.1 }]),
    (a) => back(F.leakyRelu(a[0] as Tensor, a[1] as {}))),
  api('gelu', [['input', tensorArg], ['options', optionsKind({ approximate: choiceKind({ optional: true, names: ['approximate'] }) }), { optional: true, names: ['approximate'] }]], gradTensorArb.map((t) => [t, {}]),
    (a) => back(F.gelu(a[0] as Tensor, a[1] as {}))),
  ...(['softmax', 'logSoftmax'] as const).map((f) => api(f, [['input', tensorArg], ['dim', intKind()]], gradTensorArb.map((t) => [t, -1]), (a) => back(F[f](a[0] as Tensor, a[1] as number)))),
  api('dropout', [['input', tensorArg], ['options', optionsKind({ p: numKind({ optional: true, names: ['p'] }), training: boolKind({ optional: true, names: ['training'] }), generator: genKind }), { optional: true, names: ['p', 'training', 'generator'] }]],
    fc.tuple(gradTensorArb, fc.double({ min: 0, max: 1, noNaN: true })).map(([t, p]) => [t, { p, training: true, generator: new Generator(3) }]), (a) => back(F.dropout(a[0] as Tensor, a[1] as {}))),
  ...(['dropout1d', 'dropout2d'] as const).map((f) =>
    api(f, [['input', tensorArg], ['options', optionsKind({ p: numKind({ optional: true, names: ['p'] }), training: boolKind({ optional: true, names: ['training'] }), generator: genKind }), { optional: true, names: ['p', 'training', 'generator'] }]],
      fc.tuple(f === 'dropout1d' ? bn1dArb : bn2dArb, fc.double({ min: 0, max: 1, noNaN: true })).map(([t, p]) => [t, { p, training: true, generator: new Generator(3) }]), (a) => back(F[f](a[0] as Tensor, a[1] as {})))),
  api('crossEntropy', [['input', tensorArg], ['target', targetsKind], ['options', optionsKind({ labelSmoothing: numKind({ optional: true, names: ['labelSmoothing'] }), reduction: reductionKind, weight: tensorKind({ optional: true, names: ['weight'] }) }), { optional: true, names: ['labelSmoothing', 'reduction', 'weight'] }]],
    logitsAndTargets.map(([x, t]) => [x, t, { labelSmoothing: 0.1, reduction: 'sum', weight: filled([x.shape[1]], 4) }]), (a) => back(F.crossEntropy(a[0] as Tensor, a[1] as number[], a[2] as {}))),
  ...(['mseLoss', 'l1Loss'] as const).map((f) =>
    api(f, [['input', tensorArg], ['target', tensorArg], ['options', optionsKind({ reduction: reductionKind }), { optional: true, names: ['reduction'] }]], pairArb.map((p) => [...p, {}]),
      (a) => back(F[f](a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  ),
  api('binaryCrossEntropyWithLogits', [['input', tensorArg], ['target', tensorArg], ['options', optionsKind({ reduction: reductionKind, posWeight: tensorKind({ optional: true, names: ['posWeight'] }), weight: tensorKind({ optional: true, names: ['weight'] }) }), { optional: true, names: ['reduction', 'posWeight', 'weight'] }]],
    pairArb.map((p) => [...p, { posWeight: filled([1]).requiresGrad_(), weight: filled([1], 3) }]), (a) => back(F.binaryCrossEntropyWithLogits(a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  api('binaryCrossEntropy', [['input', tensorArg], ['target', tensorArg], ['options', optionsKind({ weight: tensorKind({ optional: true, names: ['weight'] }), reduction: reductionKind }), { optional: true, names: ['weight', 'reduction'] }]],
    probPairArb.map((p) => [...p, { weight: filled([1]) }]), (a) => back(F.binaryCrossEntropy(a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  ...([['huberLoss', 'delta'], ['smoothL1Loss', 'beta']] as const).map(([f, k]) =>
    api(f, [['input', tensorArg], ['target', tensorArg], ['options', optionsKind({ reduction: reductionKind, [k]: numKind({ optional: true, names: [k] }) }), { optional: true, names: ['reduction', k] }]],
      pairArb.map((p) => [...p, { [k]: 0.5 }]), (a) => back(F[f](a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  ),
  api('klDiv', [['input', tensorArg], ['target', tensorArg], ['options', optionsKind({ reduction: reductionKind, logTarget: boolKind({ optional: true, names: ['logTarget'] }) }), { optional: true, names: ['reduction', 'logTarget'] }]],
    fc.tuple(pairArb, fc.constantFrom('mean', 'batchmean', 'sum', 'none'), fc.boolean()).map(([p, r, l]) => [...p, { reduction: r, logTarget: l }]), (a) => back(F.klDiv(a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  api('cosineEmbeddingLoss', [['input1', tensorArg], ['input2', tensorArg], ['target', targetsKind], ['options', optionsKind({ margin: numKind({ optional: true, names: ['margin'] }), reduction: reductionKind }), { optional: true, names: ['margin', 'reduction'] }]],
    cosineArb.map((c) => [...c, { margin: -0.3, reduction: 'none' }]), (a) => back(F.cosineEmbeddingLoss(a[0] as Tensor, a[1] as Tensor, a[2] as number[], a[3] as {}))),

  api('batchNorm', [['input', tensorArg], ['runningMean', tensorKind({ optional: true, names: ['runningMean'] })], ['runningVar', tensorKind({ optional: true, names: ['runningVar'] })],
    ['options', optionsKind({ weight: tensorKind({ optional: true, names: ['weight'] }), bias: tensorKind({ optional: true, names: ['bias'] }), training: boolKind({ optional: true, names: ['training'] }), momentum: numKind({ optional: true, names: ['momentum'] }), eps: numKind({ optional: true, names: ['eps'] }) }),
      { optional: true, names: ['weight', 'bias', 'training', 'momentum', 'eps'] }]],
    fc.tuple(bn1dArb, fc.boolean()).map(([x, training]) => [x, filled([3], 1), filled([3], 2).abs(), { weight: filled([3], 3).requiresGrad_(), bias: filled([3], 4).requiresGrad_(), training, momentum: 0.1, eps: 1e-5 }]),
    (a) => back(F.batchNorm(a[0] as Tensor, a[1] as Tensor, a[2] as Tensor, a[3] as {}))),
  api('layerNorm', [['input', tensorArg], ['normalizedShape', shapeKind({ names: ['normalizedShape'] })],
    ['options', optionsKind({ weight: tensorKind({ optional: true, names: ['weight'] }), bias: tensorKind({ optional: true, names: ['bias'] }), eps: numKind({ optional: true, names: ['eps'] }) }), { optional: true, names: ['weight', 'bias', 'eps'] }]],
    rowsArb.map((x) => [x, [4], { weight: filled([4], 2).requiresGrad_(), bias: filled([4], 3), eps: 1e-5 }]), (a) => back(F.layerNorm(a[0] as Tensor, a[1] as number[], a[2] as {}))),
  api('rmsNorm', [['input', tensorArg], ['normalizedShape', shapeKind({ names: ['normalizedShape'] })],
    ['options', optionsKind({ weight: tensorKind({ optional: true, names: ['weight'] }), eps: numKind({ optional: true, names: ['eps'] }) }), { optional: true, names: ['weight', 'eps'] }]],
    rowsArb.map((x) => [x, 4, { weight: filled([4], 2).requiresGrad_() }]), (a) => back(F.rmsNorm(a[0] as Tensor, a[1] as number[], a[2] as {}))),
  api('conv2d', [['input', tensorArg], ['weight', tensorArg],
    // null (no bias, as PyTorch's positional bias=None) and a bias Tensor are valid in place of the options.
    ['options', (v: unknown) => optionsKind({ bias: tensorKind({ optional: true, names: ['bias'] }), stride: pairKind({ optional: true, names: ['stride'] }), padding: pairKind({ optional: true, names: ['padding'] }) })(v).filter((c) => c.value !== null),
      { optional: true, names: ['bias', 'stride', 'padding'] }]],
    fc.tuple(poolArb, fc.integer({ min: 1, max: 3 })).map(([{ x, k, s, p }, oc]) => [x, filled([oc, 3, k, k], oc).requiresGrad_(), { bias: filled([oc], 7).requiresGrad_(), stride: s, padding: p }]),
    (a) => back(F.conv2d(a[0] as Tensor, a[1] as Tensor, a[2] as {}))),
  ...(['maxPool2d', 'avgPool2d'] as const).map((f) =>
    api(f, [['input', tensorArg], ['kernelSize', pairKind({ names: ['kernelSize'] })], ['options', poolOptions(f === 'avgPool2d'), { optional: true, names: POOL_NAMES.slice(0, 2).concat(f === 'avgPool2d' ? ['countIncludePad'] : []) }]],
      poolArb.map(({ x, k, s, p }) => [x, k, { stride: s, padding: p }]), (a) => back(F[f](a[0] as Tensor, a[1] as number, a[2] as {}))),
  ),
  api('adaptiveAvgPool2d', [['input', tensorArg], ['outputSize', pairKind({ names: ['outputSize'] })]],
    fc.tuple(poolArb, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([{ x }, oh, ow]) => [x, [oh, ow]]), (a) => back(F.adaptiveAvgPool2d(a[0] as Tensor, a[1] as number))),

  // ---- nn.init ----
  api('calculateGain', [['nonlinearity', choiceKind()], ['param', numKind(optional), optional]], fc.constantFrom('relu', 'leaky_relu', 'tanh', 'selu').map((n) => [n, 0.2]), (a) => nn.init.calculateGain(a[0] as 'relu', a[1] as number)),
  api('init.uniform', [['tensor', tensorArg], ['a', numKind(optional), optional], ['b', numKind(optional), optional], ['options', optionsKind({ generator: genKind }), { optional: true, names: ['generator'] }]],
    tensorArb.map((t) => [t, -1, 1, {}]), (a) => nn.init.uniform(a[0] as Tensor, a[1] as number, a[2] as number, a[3] as {})),
  api('init.normal', [['tensor', tensorArg], ['mean', numKind(optional), optional], ['std', numKind(optional), optional], ['options', optionsKind({ generator: genKind }), { optional: true, names: ['generator'] }]],
    tensorArb.map((t) => [t, 0, 1, {}]), (a) => nn.init.normal(a[0] as Tensor, a[1] as number, a[2] as number, a[3] as {})),
  api('init.constant', [['tensor', tensorArg], ['value', () => junk(false)]], tensorArb.map((t) => [t, 0.5]), (a) => nn.init.constant(a[0] as Tensor, a[1] as number)),
  ...initFill.map((f) => api(`init.${f}`, [['tensor', tensorArg]], tensorArb.map((t) => [t]), (a) => nn.init[f](a[0] as Tensor))),
  api('init.eye', [['tensor', tensorArg]], matrixArb.map((t) => [t]), (a) => nn.init.eye(a[0] as Tensor)),
  api('init.dirac', [['tensor', tensorArg], ['groups', intKind(optional), optional]], bn2dArb.map((t) => [t, 1]), (a) => nn.init.dirac(a[0] as Tensor, a[1] as number)),
  api('init.sparse', [['tensor', tensorArg], ['sparsity', numKind()], ['options', optionsKind({ std: numKind({ optional: true, names: ['std'] }), generator: genKind }), { optional: true, names: ['std', 'generator'] }]],
    fc.tuple(matrixArb, fc.double({ min: 0, max: 1, noNaN: true })).map(([t, p]) => [t, p, { std: 0.1 }]), (a) => nn.init.sparse(a[0] as Tensor, a[1] as number, a[2] as {})),
  api('init.truncNormal', [['tensor', tensorArg], ['options', optionsKind({ mean: numKind(optional), std: numKind(optional), a: numKind(optional), b: numKind(optional), generator: genKind }), { optional: true, names: ['mean', 'std', 'a', 'b', 'generator'] }]],
    tensorArb.map((t) => [t, { std: 0.5 }]), (a) => nn.init.truncNormal(a[0] as Tensor, a[1] as {})),
  ...(['xavierUniform', 'xavierNormal', 'orthogonal'] as const).map((f) =>
    api(`init.${f}`, [['tensor', tensorArg], ['options', optionsKind({ gain: numKind({ optional: true, names: ['gain'] }), generator: genKind }), { optional: true, names: ['gain', 'generator'] }]],
      matrixArb.map((t) => [t, { gain: 2 }]), (a) => nn.init[f](a[0] as Tensor, a[1] as {})),
  ),
  ...(['kaimingUniform', 'kaimingNormal'] as const).map((f) =>
    api(`init.${f}`, [['tensor', tensorArg], ['options', optionsKind({ a: numKind({ optional: true, names: ['a'] }), mode: choiceKind({ optional: true, names: ['mode'] }), nonlinearity: choiceKind({ optional: true, names: ['nonlinearity'] }), generator: genKind }), { optional: true, names: ['a', 'mode', 'nonlinearity', 'generator'] }]],
      matrixArb.map((t) => [t, { mode: 'fan_out', nonlinearity: 'relu' }]), (a) => nn.init[f](a[0] as Tensor, a[1] as {})),
  ),
  api('init.inspect', [['model', () => junk(false, ['model'])], ['sampleInput', tensorArg, { names: ['input'] }], ['options', optionsKind({ loss: fnKind({ optional: true, names: ['loss'] }) }), { optional: true, names: ['loss'] }]],
    fc.integer({ min: 1, max: 5 }).map((n) => [smallModel(), filled([n, 3]), undefined]), (a) => nn.init.inspect(a[0] as nn.Module, a[1] as Tensor, a[2] as {})),

  // ---- nn.utils, nn.regularization ----
  api('utils.clipGradNorm', [['parameters', paramsKind()], ['maxNorm', numKind()], ['options', optionsKind({ normType: numKind({ optional: true, names: ['normType'] }), errorIfNonfinite: boolKind({ optional: true, names: ['errorIfNonfinite'] }) }), { optional: true, names: ['normType', 'errorIfNonfinite'] }]],
    fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(1, 2, Infinity)).map(([m, p]) => [withGrads(smallModel()).parameters(), m, { normType: p }]),
    (a) => nn.utils.clipGradNorm(a[0] as Tensor[], a[1] as number, a[2] as {})),
  api('utils.clipGradValue', [['parameters', paramsKind()], ['clipValue', numKind()]],
    fc.double({ min: 0, max: 10, noNaN: true }).map((c) => [withGrads(smallModel()).parameters(), c]), (a) => nn.utils.clipGradValue(a[0] as Tensor[], a[1] as number)),
  api('utils.parametersToVector', [['parameters', paramsKind()]], fc.constant(0).map(() => [smallModel().parameters()]), (a) => back(nn.utils.parametersToVector(a[0] as Tensor[]))),
  api('utils.vectorToParameters', [['vec', tensorArg], ['parameters', paramsKind()]], fc.integer({ min: 1, max: 9 }).map((k) => [filled([26], k), smallModel().parameters()]),
    (a) => nn.utils.vectorToParameters(a[0] as Tensor, a[1] as Tensor[])),
  ...(['l1', 'l2'] as const).map((f) =>
    api(`regularization.${f}`, [['parameters', paramsKind()]], fc.constant(0).map(() => [smallModel().parameters()]), (a) => back(nn.regularization[f](a[0] as Tensor[]))),
  ),
];

export { loose };
