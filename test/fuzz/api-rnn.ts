// Fuzz entries for the recurrent layers: nn.RNN, nn.LSTM, nn.GRU (constructors and forward),
// nn.init.orthogonalBlocks and nn.utils.rnnInitRecipe.
import * as fc from 'fast-check';
import { Tensor, nn, Generator } from '../../lib';
import { Entry } from './engine';
import { boolKind, choiceKind, filled, intKind, junk, loose, numKind, optionsKind, strict, tensorKind } from './kinds';
import { api, matrixArb } from './api-common';
import { show } from './values';

const optional = { optional: true };
const genKind = () => fc.oneof(junk(true, ['generator']), fc.constantFrom({ seed: 1 }, 7).map((v) => strict(show(v), v, ['generator'])));
const BASE = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'generator'];
const baseKinds = () => ({
  numLayers: intKind({ optional: true, names: ['numLayers'] }), bias: boolKind({ optional: true, names: ['bias'] }),
  batchFirst: boolKind({ optional: true, names: ['batchFirst'] }), dropout: numKind({ optional: true, names: ['dropout'] }),
  bidirectional: boolKind({ optional: true, names: ['bidirectional'] }), generator: genKind,
});
const sizes = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 2 }), fc.boolean(), fc.boolean());
/** A sequence for a (2, 3) layer: (L, N, 2), or (L, 2) unbatched. */
const seqArb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([L, N, b]) => (b ? filled([L, N, 2], L + N) : filled([L, 2], L)).requiresGrad_());
/** A state for `layers` of a (2, 3) layer matching x. */
const stateFor = (x: Tensor, seed: number) => filled(x.ndim === 3 ? [1, x.shape[1], 3] : [1, 3], seed).requiresGrad_();
/** LSTM's [h0, c0]: junk, a lone Tensor, a pair with a non-Tensor or a Tensor of another shape. */
const pairKind = (valid: unknown) =>
  fc.oneof(
    junk(true, ['hx']),
    fc.constant(strict('a lone Tensor', filled([1, 3]), ['hx'])),
    fc.constant(strict('[h0]', [filled([1, 3])], ['hx'])),
    fc.constant(strict('[h0, 3]', [Array.isArray(valid) ? valid[0] : filled([1, 3]), 3], ['c0'])),
    fc.constant(loose('[h0 of [2, 9, 3], c0]', [filled([2, 9, 3]), Array.isArray(valid) ? valid[1] : filled([1, 3])])),
  );

export const RNN_TABLE: Entry[] = [
  api('new RNN', [['inputSize', intKind()], ['hiddenSize', intKind()], ['options', optionsKind({ ...baseKinds(), nonlinearity: choiceKind({ optional: true, names: ['nonlinearity'] }) }), { optional: true, names: [...BASE, 'nonlinearity'] }]],
    sizes.map(([i, h, l, b, d]) => [i, h, { numLayers: l, bidirectional: b, batchFirst: d, nonlinearity: b ? 'relu' : 'tanh', generator: new Generator(i) }]),
    (a) => new nn.RNN(a[0] as number, a[1] as number, a[2] as {})),
  api('new LSTM', [['inputSize', intKind()], ['hiddenSize', intKind()], ['options', optionsKind({ ...baseKinds(), projSize: intKind({ optional: true, names: ['projSize'] }) }), { optional: true, names: [...BASE, 'projSize'] }]],
    sizes.map(([i, h, l, b, d]) => [i, h, { numLayers: l, bidirectional: b, batchFirst: d, bias: !b, dropout: l > 1 ? 0.2 : 0 }]),
    (a) => new nn.LSTM(a[0] as number, a[1] as number, a[2] as {})),
  api('new GRU', [['inputSize', intKind()], ['hiddenSize', intKind()], ['options', optionsKind(baseKinds()), { optional: true, names: BASE }]],
    sizes.map(([i, h, l, b]) => [i, h, { numLayers: l, bidirectional: b }]),
    (a) => new nn.GRU(a[0] as number, a[1] as number, a[2] as {})),
  api('RNN.forward', [['input', tensorKind()], ['h0', tensorKind(optional), optional]], seqArb.map((x) => [x, stateFor(x, 3)]), (a) => {
    const [y, h] = new nn.RNN(2, 3, { generator: new Generator(1) }).forward(a[0] as Tensor, a[1] as Tensor);
    y.sum().add(h.sum()).backward();
  }),
  api('GRU.forward', [['input', tensorKind()], ['h0', tensorKind(optional), optional]], seqArb.map((x) => [x, stateFor(x, 4)]), (a) => {
    const [y, h] = new nn.GRU(2, 3, { generator: new Generator(2) }).forward(a[0] as Tensor, a[1] as Tensor);
    y.sum().add(h.sum()).backward();
  }),
  api('LSTM.forward', [['input', tensorKind()], ['hx', pairKind, { optional: true, names: ['h0', 'c0'] }]], seqArb.map((x) => [x, [stateFor(x, 5), stateFor(x, 6)]]), (a) => {
    const [y, [h, c]] = new nn.LSTM(2, 3, { generator: new Generator(3) }).forward(a[0] as Tensor, a[1] as [Tensor, Tensor]);
    y.sum().add(h.sum()).add(c.sum()).backward();
  }),
  api('init.orthogonalBlocks', [['tensor', tensorKind()], ['blocks', intKind()], ['options', optionsKind({ gain: numKind({ optional: true, names: ['gain'] }), generator: genKind }), { optional: true, names: ['gain', 'generator'] }]],
    matrixArb.map((t) => [t, 1, { gain: 2 }]), (a) => nn.init.orthogonalBlocks(a[0] as Tensor, a[1] as number, a[2] as {})),
  api('utils.rnnInitRecipe', [['module', () => junk(false, ['module'])], ['options', optionsKind({ gain: numKind({ optional: true, names: ['gain'] }), forgetBias: numKind({ optional: true, names: ['forgetBias'] }), generator: genKind }), { optional: true, names: ['gain', 'forgetBias', 'generator'] }]],
    fc.constantFrom('RNN', 'LSTM', 'GRU').map((k) => [k === 'RNN' ? new nn.RNN(2, 3) : k === 'LSTM' ? new nn.LSTM(2, 3) : new nn.GRU(2, 3), { forgetBias: 1 }]),
    (a) => nn.utils.rnnInitRecipe(a[0] as nn.RNNBase, a[1] as {})),
];
