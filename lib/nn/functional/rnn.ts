// The recurrent layers' autograd: one graph node per layer and direction, on the native kernel
// (native/kernels/rnn.h), which projects the inputs of every step in one GEMM, runs the cell
// over time and backpropagates through time. The node's result packs (out, hN, cN) in one
// buffer; the pieces are cut from it by `segment`, so the node's backward receives all their
// gradients at once.
import { Tensor, fromOp, freshGrad } from '../../tensor';
import { native } from '../../native';
import { Generator } from '../../random';
import { dropoutAt } from './dropout';

/** The cell kinds, as PyTorch's RNNBase modes: a tanh or relu Elman RNN, an LSTM or a GRU. */
export type RnnMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const MODE_CODE: Record<RnnMode, number> = { RNN_TANH: 0, RNN_RELU: 1, LSTM: 2, GRU: 3 };
const SAVED_PER_UNIT: Record<RnnMode, number> = { RNN_TANH: 0, RNN_RELU: 0, LSTM: 5, GRU: 4 };
const OP_NAME: Record<RnnMode, string> = { RNN_TANH: 'rnnTanh', RNN_RELU: 'rnnRelu', LSTM: 'lstm', GRU: 'gru' };

/** Gates per cell: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). @internal */
export function gatesOf(mode: RnnMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
}

/** A copy of `numel(shape)` elements of t from flat offset `offset`; the gradient scatters back. */
function segment(t: Tensor, offset: number, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromOp(t.data.slice(offset, offset + n), shape, [t], 'segment', (g) => {
    const d = new Float32Array(t.numel);
    d.set(g, offset);
    return [freshGrad(d)];
  });
}

/** The tensors' elements one after another, as `shape` (torch.stack along dim 0 of equal shapes). */
function concatFlat(ts: Tensor[], shape: number[]): Tensor {
  const total = ts.reduce((a, t) => a + t.numel, 0);
  const out = new Float32Array(total);
  const offsets: number[] = [];
  let o = 0;
  for (const t of ts) {
    offsets.push(o);
    out.set(t.data, o);
    o += t.numel;
  }
  return fromOp(out, shape, ts, 'stack', (g) => ts.map((t, i) => g.subarray(offsets[i], offsets[i] + t.numel)));
}

/** (R, A) and (R, B) rows side by side: (R, A + B), as torch.cat along the last dimension. */
function catLast(a: Tensor, b: Tensor): Tensor {
  const A = a.shape[a.ndim - 1], B = b.shape[b.ndim - 1], W = A + B;
  const R = A > 0 ? a.numel / A : B > 0 ? b.numel / B : 0;
  const out = new Float32Array(R * W);
  for (let r = 0; r < R; r++) {
    out.set(a.data.subarray(r * A, (r + 1) * A), r * W);
    out.set(b.data.subarray(r * B, (r + 1) * B), r * W + A);
  }
  return fromOp(out, [...a.shape.slice(0, -1), W], [a, b], 'cat', (g) => {
    const da = new Float32Array(R * A), db = new Float32Array(R * B);
    for (let r = 0; r < R; r++) {
      da.set(g.subarray(r * W, r * W + A), r * A);
      db.set(g.subarray(r * W + A, (r + 1) * W), r * B);
    }
    return [freshGrad(da), freshGrad(db)];
  });
}

/** One layer's parameters in one direction, as PyTorch's `_flat_weights` group. @internal */
export interface RnnLayerWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/**
 * One layer in one direction over x (L, N, C), from h0 (and c0 for LSTM), both (N, H): returns
 * [out (L, N, H), hN (N, H), cN (N, H) | null]. One autograd node, whose backward is the native
 * backpropagation through time. @internal
 */
export function rnnLayer(mode: RnnMode, x: Tensor, h0: Tensor, c0: Tensor | null, w: RnnLayerWeights, reverse: boolean): [Tensor, Tensor, Tensor | null] {
  const [L, N, C] = x.shape;
  const H = w.wHh.shape[1];
  const lstm = mode === 'LSTM';
  const LNH = L * N * H, NH = N * H;
  const packed = new Float32Array(LNH + NH + (lstm ? NH : 0));
  const out = packed.subarray(0, LNH);
  const hN = packed.subarray(LNH, LNH + NH);
  const cN = lstm ? packed.subarray(LNH + NH) : null;
  const saved = new Float32Array(LNH * SAVED_PER_UNIT[mode]);
  const code = MODE_CODE[mode];
  const c0d = lstm ? c0!.data : null;
  native.rnnForward(out, hN, cN, saved, x.data, h0.data, c0d, w.wIh.data, w.wHh.data, w.bIh?.data ?? null, w.bHh?.data ?? null, L, N, C, H, code, reverse);
  const inputs = [x, h0, ...(lstm ? [c0!] : []), w.wIh, w.wHh, ...(w.bIh ? [w.bIh] : []), ...(w.bHh ? [w.bHh] : [])];
  const node = fromOp(packed, [packed.length], inputs, OP_NAME[mode], (g) => {
    const need = (t: Tensor | null) => (t !== null && t.requiresGrad ? new Float32Array(t.numel) : null);
    const dx = need(x), dh0 = need(h0), dc0 = lstm ? need(c0) : null;
    const dwIh = need(w.wIh), dwHh = need(w.wHh), dbIh = need(w.bIh), dbHh = need(w.bHh);
    native.rnnBackward(
      dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh,
      g.subarray(0, LNH), g.subarray(LNH, LNH + NH), lstm ? g.subarray(LNH + NH) : null,
      x.data, h0.data, c0d, w.wIh.data, w.wHh.data, out, saved, L, N, C, H, code, reverse,
    );
    const fresh = (d: Float32Array | null) => (d === null ? null : freshGrad(d));
    const grads = [fresh(dx), fresh(dh0), ...(lstm ? [fresh(dc0)] : []), fresh(dwIh), fresh(dwHh)];
    if (w.bIh) grads.push(fresh(dbIh));
    if (w.bHh) grads.push(fresh(dbHh));
    return grads;
  });
  if (!node.requiresGrad) {
    // Nothing to backpropagate: no node to cut from (each piece gets its own buffer all the same).
    return [new Tensor(out.slice(), [L, N, H]), new Tensor(hN.slice(), [N, H]), lstm ? new Tensor(cN!.slice(), [N, H]) : null];
  }
  return [segment(node, 0, [L, N, H]), segment(node, LNH, [N, H]), lstm ? segment(node, LNH + NH, [N, H]) : null];
}

/** The stack's settings, as the module holds them. @internal */
export interface RnnStackOptions {
  numLayers: number;
  bidirectional: boolean;
  dropout: number;
  training: boolean;
  generator: Generator | undefined;
}

/**
 * The whole stack over time-major x (L, N, C) with states h0 (and c0) of shape
 * (numLayers * D, N, H) or null for zeros: [output (L, N, D * H), hN, cN | null], hN and cN
 * (numLayers * D, N, H) in PyTorch's order (layer-major, forward before reverse). Between
 * layers (not after the last) the output goes through dropout in training. @internal
 */
export function rnnStack(
  where: string, mode: RnnMode, x: Tensor, h0: Tensor | null, c0: Tensor | null, weights: RnnLayerWeights[], H: number, o: RnnStackOptions,
): [Tensor, Tensor, Tensor | null] {
  const [, N] = x.shape;
  const D = o.bidirectional ? 2 : 1;
  const lstm = mode === 'LSTM';
  const zeros = () => new Tensor(new Float32Array(N * H), [N, H]);
  const hNs: Tensor[] = [];
  const cNs: Tensor[] = [];
  let input = x;
  for (let layer = 0; layer < o.numLayers; layer++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const k = layer * D + d;
      const h = h0 ? segment(h0, k * N * H, [N, H]) : zeros();
      const c = lstm ? (c0 ? segment(c0, k * N * H, [N, H]) : zeros()) : null;
      const [out, hN, cN] = rnnLayer(mode, input, h, c, weights[k], d === 1);
      outs.push(out);
      hNs.push(hN);
      if (cN) cNs.push(cN);
    }
    input = D === 2 ? catLast(outs[0], outs[1]) : outs[0];
    if (o.dropout > 0 && o.training && layer < o.numLayers - 1) {
      input = dropoutAt(where, input, { p: o.dropout, training: true, generator: o.generator });
    }
  }
  const stateShape = [o.numLayers * D, N, H];
  return [input, concatFlat(hNs, stateShape), lstm ? concatFlat(cNs, stateShape) : null];
}
