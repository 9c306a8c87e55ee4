// Fuzz entries for the attention layers: F.scaledDotProductAttention, nn.MultiheadAttention,
// nn.TransformerEncoderLayer and nn.TransformerEncoder (constructors and forward).
import * as fc from 'fast-check';
import { Tensor, nn } from '../../lib';
import { Entry } from './engine';
import { boolKind, choiceKind, filled, intKind, junk, numKind, optionsKind, tensorKind } from './kinds';
import { api, back } from './api-common';

const F = nn.functional;
const tensorArg = tensorKind();
const optTensor = (name: string) => tensorKind({ optional: true, names: [name] });
const optBool = (name: string) => boolKind({ optional: true, names: [name] });
const optNum = (name: string) => numKind({ optional: true, names: [name] });
const optInt = (name: string) => intKind({ optional: true, names: [name] });

/** q (..., L, E), k (..., S, E), v (..., S, Ev) with the same leading dimensions, requiring grad. */
const qkvArb = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }))
  .map(([lead, L, S, E, Ev]) => [filled([...lead, L, E], 1).requiresGrad_(), filled([...lead, S, E], 2).requiresGrad_(), filled([...lead, S, Ev], 3).requiresGrad_(), L, S]);

const MHA_OPTS = ['dropout', 'bias', 'batchFirst', 'kdim', 'vdim', 'addBiasKV', 'addZeroAttn', 'generator'];
const MHA_FWD = ['keyPaddingMask', 'attnMask', 'needWeights', 'averageAttnWeights', 'isCausal'];
const TEL_OPTS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias', 'generator'];
/** (L, N, 4) inputs for MultiheadAttention(4, 2) and TransformerEncoderLayer(4, 2), L and N in 1..3. */
const seqArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).map(([L, N]) => ({ L, N, x: filled([L, N, 4], L + N).requiresGrad_() }));

export const ATTN_TABLE: Entry[] = [
  api('scaledDotProductAttention', [['query', tensorArg], ['key', tensorArg], ['value', tensorArg],
    ['options', optionsKind({ attnMask: optTensor('attnMask'), dropoutP: optNum('dropoutP'), isCausal: optBool('isCausal'), scale: optNum('scale'), generator: () => junk(true, ['generator']) }), { optional: true, names: ['attnMask', 'dropoutP', 'isCausal', 'scale', 'generator'] }]],
    fc.tuple(qkvArb, fc.boolean(), fc.boolean()).map(([[q, k, v, L, S], m, c]) => [q, k, v, { attnMask: m ? filled([L as number, S as number], 4) : undefined, isCausal: c, scale: 0.5 }]),
    (a) => back(F.scaledDotProductAttention(a[0] as Tensor, a[1] as Tensor, a[2] as Tensor, a[3] as {}))),
  api('new MultiheadAttention', [['embedDim', intKind()], ['numHeads', intKind()],
    ['options', optionsKind({ dropout: optNum('dropout'), bias: optBool('bias'), batchFirst: optBool('batchFirst'), kdim: optInt('kdim'), vdim: optInt('vdim'), addBiasKV: optBool('addBiasKV'), addZeroAttn: optBool('addZeroAttn') }), { optional: true, names: MHA_OPTS }]],
    fc.tuple(fc.constantFrom(4, 8), fc.constantFrom(1, 2), fc.boolean(), fc.boolean()).map(([E, H, b, bf]) => [E, H, { bias: b, batchFirst: bf, dropout: 0.1 }]),
    (a) => new nn.MultiheadAttention(a[0] as number, a[1] as number, a[2] as {})),
  api('MultiheadAttention.forward', [['query', tensorArg], ['key', tensorArg], ['value', tensorArg],
    ['options', optionsKind({ keyPaddingMask: optTensor('keyPaddingMask'), attnMask: optTensor('attnMask'), needWeights: optBool('needWeights'), averageAttnWeights: optBool('averageAttnWeights'), isCausal: optBool('isCausal') }), { optional: true, names: MHA_FWD }]],
    fc.tuple(seqArb, fc.boolean(), fc.boolean(), fc.boolean()).map(([{ L, N, x }, kpm, am, c]) => [x, x, x, { keyPaddingMask: kpm ? filled([N, L], 5) : undefined, attnMask: am ? filled([L, L], 6) : undefined, isCausal: c }]),
    (a) => {
      const [y, w] = new nn.MultiheadAttention(4, 2).forward(a[0] as Tensor, a[1] as Tensor, a[2] as Tensor, a[3] as {});
      back(w === null ? y : y.sum().add(w.sum()));
    }),
  api('new TransformerEncoderLayer', [['dModel', intKind()], ['nhead', intKind()],
    ['options', optionsKind({ dimFeedforward: optInt('dimFeedforward'), dropout: optNum('dropout'), activation: choiceKind({ optional: true, names: ['activation'] }), layerNormEps: optNum('layerNormEps'), batchFirst: optBool('batchFirst'), normFirst: optBool('normFirst'), bias: optBool('bias') }), { optional: true, names: TEL_OPTS }]],
    fc.tuple(fc.constantFrom(4, 8), fc.constantFrom(1, 2), fc.constantFrom<'relu' | 'gelu'>('relu', 'gelu'), fc.boolean()).map(([d, h, act, nf]) => [d, h, { dimFeedforward: 8, activation: act, normFirst: nf }]),
    (a) => new nn.TransformerEncoderLayer(a[0] as number, a[1] as number, a[2] as {})),
  api('TransformerEncoderLayer.forward', [['src', tensorArg],
    ['options', optionsKind({ srcMask: optTensor('srcMask'), srcKeyPaddingMask: optTensor('srcKeyPaddingMask'), isCausal: optBool('isCausal') }), { optional: true, names: ['srcMask', 'srcKeyPaddingMask', 'isCausal'] }]],
    fc.tuple(seqArb, fc.boolean()).map(([{ L, x }, c]) => [x, { srcMask: filled([L, L], 7), isCausal: c }]),
    (a) => back(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }).forward(a[0] as Tensor, a[1] as {}))),
  api('new TransformerEncoder', [['encoderLayer', () => junk(false, ['encoderLayer'])], ['numLayers', intKind()],
    ['options', optionsKind({ norm: () => junk(true, ['norm']) }), { optional: true, names: ['norm'] }]],
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([n, norm]) => [new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), n, { norm: norm ? new nn.LayerNorm(4) : undefined }]),
    (a) => new nn.TransformerEncoder(a[0] as nn.TransformerEncoderLayer, a[1] as number, a[2] as {})),
  api('TransformerEncoder.forward', [['src', tensorArg],
    ['options', optionsKind({ mask: optTensor('mask'), srcKeyPaddingMask: optTensor('srcKeyPaddingMask'), isCausal: optBool('isCausal') }), { optional: true, names: ['mask', 'srcKeyPaddingMask', 'isCausal'] }]],
    fc.tuple(seqArb, fc.boolean()).map(([{ L, N, x }, k]) => [x, { srcKeyPaddingMask: k ? filled([N, L], 8) : undefined, isCausal: true }]),
    (a) => back(new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 }), 2).forward(a[0] as Tensor, a[1] as {}))),
];
