// torch.nn.RNN, LSTM and GRU: multi-layer, optionally bidirectional recurrent layers on the
// native kernel (native/kernels/rnn.h) through lib/nn/functional/rnn.ts.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { Generator, generatorFrom } from '../random';
import { checkBoolean, checkChoice, checkInt, checkOptions, describe, rangeError, typeError } from '../errors';
import { expectArity } from '../options';
import { checkShape, formatShape } from '../shape';
import { uniform } from './init/fill';
import { noGrad } from '../tensor';
import { pyBool, pyFloat } from './pyrepr';
import { RnnLayerWeights, RnnMode, gatesOf, rnnStack } from './functional/rnn';
import { shapeError } from '../errors';

/** Options shared by {@link RNN}, {@link LSTM} and {@link GRU}. */
export interface RNNBaseOptions {
  /** [1] stacked layers; layer k > 0 reads layer k - 1's output. */
  numLayers?: number;
  /** [true] false leaves out bias_ih and bias_hh. */
  bias?: boolean;
  /** [false] true takes and returns (N, L, features) instead of (L, N, features); states stay (layers, N, H). */
  batchFirst?: boolean;
  /** [0] dropout probability on each layer's output except the last, in training (kiln's seeded generator). */
  dropout?: number;
  /** [false] true adds a reverse-direction layer; outputs concatenate [forward, reverse] features. */
  bidirectional?: boolean;
  /** The stream for the initial weights and the dropout masks [the default generator]. */
  generator?: Generator;
}

/** Options of {@link RNN}: {@link RNNBaseOptions} and the nonlinearity. */
export interface RNNOptions extends RNNBaseOptions {
  /** ['tanh'] the cell's activation, 'tanh' or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** Options of {@link LSTM}: {@link RNNBaseOptions}, and projSize, which kiln refuses (only 0). */
export interface LSTMOptions extends RNNBaseOptions {
  /** [0] PyTorch's LSTM projections; not implemented, so only 0 is accepted. */
  projSize?: number;
}

const BASE_NAMES = ['numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional', 'generator'] as const;

/**
 * The shared base of {@link RNN}, {@link LSTM} and {@link GRU}, as torch.nn.RNNBase: holds the
 * settings and the per-layer parameters, registered in PyTorch's order (for each layer, for each
 * direction: weight_ih, weight_hh, bias_ih, bias_hh; keys `weight_ih_l0`, `weight_hh_l0_reverse`, ...).
 */
export abstract class RNNBase extends Module {
  /** 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'. */
  readonly mode: RnnMode;
  /** Features of each input step (Hin). */
  readonly inputSize: number;
  /** Features of the hidden state (H). */
  readonly hiddenSize: number;
  /** Stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether input and output are (N, L, features). */
  readonly batchFirst: boolean;
  /** The dropout probability between layers. */
  readonly dropout: number;
  /** Whether each layer also runs in reverse. */
  readonly bidirectional: boolean;
  /** The stream dropout masks are drawn from (undefined: the default generator). */
  readonly generator: Generator | undefined;

  /** @internal */
  protected constructor(where: string, mode: RnnMode, inputSize: number, hiddenSize: number, o: Partial<RNNBaseOptions>) {
    super();
    this.mode = mode;
    this.inputSize = checkInt(where, 'inputSize', inputSize, 0, 2 ** 31 - 1);
    this.hiddenSize = checkInt(where, 'hiddenSize', hiddenSize, 1, 2 ** 31 - 1);
    this.numLayers = checkInt(where, 'numLayers', o.numLayers ?? 1, 1, 2 ** 31 - 1);
    this.bias = checkBoolean(where, 'bias', o.bias ?? true);
    this.batchFirst = checkBoolean(where, 'batchFirst', o.batchFirst ?? false);
    const p = o.dropout ?? 0;
    if (typeof p !== 'number') throw typeError(where, 'a number', 'dropout', p);
    if (!(p >= 0 && p <= 1)) throw rangeError(where, 'a number in [0, 1]', 'dropout', p);
    this.dropout = p;
    this.bidirectional = checkBoolean(where, 'bidirectional', o.bidirectional ?? false);
    const g = generatorFrom(where, o);
    this.generator = o.generator;
    if (p > 0 && this.numLayers === 1) {
      process.emitWarning(
        `${where}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects numLayers greater than 1, but got dropout=${p} and numLayers=1`,
        { code: 'KILN_RNN_DROPOUT' },
      );
    }
    const G = gatesOf(mode), H = this.hiddenSize, D = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inSize = layer === 0 ? this.inputSize : H * D;
      checkShape(where, [G * H, inSize], 'weight_ih shape [gates * hiddenSize, inputSize]');
      checkShape(where, [G * H, H], 'weight_hh shape [gates * hiddenSize, hiddenSize]');
      for (let d = 0; d < D; d++) {
        const suffix = `L${layer}${d === 1 ? 'Reverse' : ''}`;
        const self = this as unknown as Record<string, Parameter>;
        self[`weightIh${suffix}`] = new Parameter(new Float32Array(G * H * inSize), [G * H, inSize]);
        self[`weightHh${suffix}`] = new Parameter(new Float32Array(G * H * H), [G * H, H]);
        if (this.bias) {
          self[`biasIh${suffix}`] = new Parameter(new Float32Array(G * H), [G * H]);
          self[`biasHh${suffix}`] = new Parameter(new Float32Array(G * H), [G * H]);
        }
      }
    }
    this.resetParameters(g);
  }

  /**
   * PyTorch's reset_parameters: every weight and bias U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)),
   * drawn in registration order.
   * @param generator the stream to draw from [the module's, else the default generator]
   */
  resetParameters(generator?: Generator): void {
    if (arguments.length > 1) expectArity(`${this.constructor.name}.resetParameters`, arguments, 1);
    const g = generator === undefined ? generatorFrom(this.constructor.name, { generator: this.generator }) : generatorFrom(`${this.constructor.name}.resetParameters`, { generator });
    const bound = 1 / Math.sqrt(this.hiddenSize);
    noGrad(() => {
      for (const w of this.allWeights.flat()) uniform(w, -bound, bound, { generator: g });
    });
  }

  /**
   * The parameters per layer and direction, as PyTorch's all_weights: entry layer * D + d holds
   * [weight_ih, weight_hh, bias_ih, bias_hh] (no biases when bias is false).
   */
  get allWeights(): Parameter[][] {
    const self = this as unknown as Record<string, Parameter>;
    const out: Parameter[][] = [];
    const D = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < D; d++) {
        const s = `L${layer}${d === 1 ? 'Reverse' : ''}`;
        const ws = [self[`weightIh${s}`], self[`weightHh${s}`]];
        if (this.bias) ws.push(self[`biasIh${s}`], self[`biasHh${s}`]);
        out.push(ws);
      }
    }
    return out;
  }

  /**
   * Checks the input and states, runs the stack and restores the caller's layout. `hx` and `cx`
   * are (numLayers * D, N, H), or (numLayers * D, H) for unbatched input, or null for zeros.
   * @internal
   */
  protected run(where: string, x: unknown, hx: unknown, cx: unknown, stateNames: [string, string]): [Tensor, Tensor, Tensor | null] {
    checkTensor(where, 'input', x);
    const input = x as Tensor;
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw shapeError(where, 'a 2-D (unbatched) or 3-D tensor', 'input', input.shape);
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw shapeError(where, `last dimension ${this.inputSize} (inputSize)`, 'input', input.shape);
    }
    const batched = input.ndim === 3;
    const seq = batched ? (this.batchFirst ? input.transpose(0, 1) : input) : input.unsqueeze(1);
    const [L, N] = seq.shape;
    if (L === 0) throw shapeError(where, 'a sequence of at least one step', 'input', input.shape);
    const H = this.hiddenSize, D = this.bidirectional ? 2 : 1;
    const want = batched ? [this.numLayers * D, N, H] : [this.numLayers * D, H];
    const state = (s: unknown, name: string): Tensor | null => {
      if (s === undefined || s === null) return null;
      checkTensor(where, name, s);
      const t = s as Tensor;
      if (t.ndim !== want.length || t.shape.some((v, i) => v !== want[i])) {
        throw shapeError(where, `shape ${formatShape(want)}`, name, t.shape);
      }
      return batched ? t : t.unsqueeze(1);
    };
    const h0 = state(hx, stateNames[0]);
    const c0 = this.mode === 'LSTM' ? state(cx, stateNames[1]) : null;
    const weights: RnnLayerWeights[] = this.allWeights.map((ws) => ({ wIh: ws[0], wHh: ws[1], bIh: ws[2] ?? null, bHh: ws[3] ?? null }));
    let [out, hN, cN] = rnnStack(where, this.mode, seq, h0, c0, weights, H, {
      numLayers: this.numLayers, bidirectional: this.bidirectional, dropout: this.dropout, training: this.training, generator: this.generator,
    });
    if (!batched) {
      out = out.squeeze(1);
      hN = hN.squeeze(1);
      if (cN) cN = cN.squeeze(1);
    } else if (this.batchFirst) {
      out = out.transpose(0, 1);
    }
    return [out, hN, cN];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}

/**
 * A multi-layer Elman RNN, as torch.nn.RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 * with act tanh or relu (Elman 1990). Input (L, N, inputSize), (N, L, inputSize) with
 * batchFirst, or unbatched (L, inputSize); output (L, N, D * hiddenSize) with D = 2 when
 * bidirectional (forward and reverse features concatenated), hN (numLayers * D, N, hiddenSize).
 * Parameters `weight_ih_l{k}` (hiddenSize, inputSize or D * hiddenSize), `weight_hh_l{k}`
 * (hiddenSize, hiddenSize), `bias_ih_l{k}`, `bias_hh_l{k}` (and `..._reverse`), all
 * U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)).
 * @param inputSize features of each input step.
 * @param hiddenSize features of the hidden state (at least 1).
 * @param opts `{ numLayers = 1, nonlinearity = 'tanh', bias = true, batchFirst = false, dropout = 0, bidirectional = false, generator? }`
 * @throws TypeError for a non-number size, a non-boolean flag, an unknown option or a surplus
 *   argument; RangeError for sizes that are not integers in range, dropout outside [0, 1] or a
 *   nonlinearity other than 'tanh' or 'relu'.
 * @example const rnn = new nn.RNN(10, 20, { numLayers: 2 }); const [out, hN] = rnn.forward(x); // x: [5, 3, 10]
 */
export class RNN extends RNNBase {
  /** 'tanh' or 'relu'. */
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    expectArity('RNN', arguments, 2, true);
    const o = checkOptions('RNN', opts, [...BASE_NAMES, 'nonlinearity']);
    const nl = checkChoice('RNN', 'nonlinearity', o.nonlinearity ?? 'tanh', ['tanh', 'relu'] as const);
    super('RNN', nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, o);
    this.nonlinearity = nl;
  }

  /**
   * Runs the RNN over x from h0 (zeros when absent).
   * @param x (L, N, inputSize), (N, L, inputSize) with batchFirst, or (L, inputSize).
   * @param h0 (numLayers * D, N, hiddenSize), or (numLayers * D, hiddenSize) unbatched [zeros].
   * @returns `[output, hN]`: output (L, N, D * hiddenSize) (batchFirst: (N, L, ...); unbatched: (L, ...)), hN like h0.
   * @throws TypeError for a non-Tensor; RangeError naming the shapes for an input whose last
   *   dimension is not inputSize, an input that is not 2-D or 3-D, or an h0 of the wrong shape.
   */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    if (arguments.length > 2) expectArity('RNN.forward', arguments, 2);
    const [out, hN] = this.run('RNN.forward', x, h0, null, ['h0', 'c0']);
    return [out, hN];
  }
}

/**
 * A multi-layer long short-term memory, as torch.nn.LSTM (Hochreiter & Schmidhuber 1997;
 * forget gate: Gers, Schmidhuber & Cummins 2000): gates i, f, o = sigmoid(.), g = tanh(.) of
 * W_ih x_t + b_ih + W_hh h_{t-1} + b_hh (blocks stacked in that order: i, f, g, o);
 * c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t). Shapes as {@link RNN}, with weights of
 * 4 * hiddenSize rows. projSize (PyTorch's projections) is not implemented: only 0 is accepted.
 * @param inputSize features of each input step.
 * @param hiddenSize features of the hidden and cell states (at least 1).
 * @param opts `{ numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false, projSize = 0, generator? }`
 * @throws TypeError for a non-number size, a non-boolean flag, an unknown option or a surplus
 *   argument; RangeError for sizes that are not integers in range, dropout outside [0, 1], or
 *   a projSize other than 0.
 * @example const lstm = new nn.LSTM(16, 32, { batchFirst: true }); const [out, [hN, cN]] = lstm.forward(x); // x: [4, 10, 16]
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: LSTMOptions = {}) {
    expectArity('LSTM', arguments, 2, true);
    const o = checkOptions('LSTM', opts, [...BASE_NAMES, 'projSize']);
    if (o.projSize !== undefined && o.projSize !== 0) {
      if (typeof o.projSize !== 'number') throw typeError('LSTM', 'a number', 'projSize', o.projSize);
      throw rangeError('LSTM', '0 (kiln does not implement LSTM projections)', 'projSize', o.projSize);
    }
    super('LSTM', 'LSTM', inputSize, hiddenSize, o);
  }

  /**
   * Runs the LSTM over x from [h0, c0] (zeros when absent).
   * @param x (L, N, inputSize), (N, L, inputSize) with batchFirst, or (L, inputSize).
   * @param hx [h0, c0], each (numLayers * D, N, hiddenSize), or (numLayers * D, hiddenSize) unbatched [zeros].
   * @returns `[output, [hN, cN]]`: output (L, N, D * hiddenSize) (batchFirst: (N, L, ...)), hN and cN like h0.
   * @throws TypeError for a non-Tensor or an hx that is not a pair of Tensors; RangeError naming
   *   the shapes for an input whose last dimension is not inputSize, an input that is not 2-D or
   *   3-D, or an h0 or c0 of the wrong shape.
   */
  override forward(x: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const where = 'LSTM.forward';
    if (arguments.length > 2) expectArity(where, arguments, 2);
    let h0: unknown = null, c0: unknown = null;
    if (hx !== undefined && hx !== null) {
      if (!Array.isArray(hx) || hx.length !== 2) throw typeError(where, 'a pair [h0, c0] of Tensors', 'hx', hx);
      [h0, c0] = hx;
      checkTensor(where, 'hx[0] (h0)', h0);
      checkTensor(where, 'hx[1] (c0)', c0);
    }
    const [out, hN, cN] = this.run(where, x, h0, c0, ['h0', 'c0']);
    return [out, [hN, cN!]];
  }
}

/**
 * A multi-layer gated recurrent unit, as torch.nn.GRU (Cho et al. 2014): r, z =
 * sigmoid(W_i{r,z} x_t + b_i{r,z} + W_h{r,z} h_{t-1} + b_h{r,z}),
 * n = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn)), h_t = (1 - z) * n + z * h_{t-1}
 * (blocks stacked r, z, n). Shapes as {@link RNN}, with weights of 3 * hiddenSize rows.
 * @param inputSize features of each input step.
 * @param hiddenSize features of the hidden state (at least 1).
 * @param opts `{ numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false, generator? }`
 * @throws TypeError for a non-number size, a non-boolean flag, an unknown option or a surplus
 *   argument; RangeError for sizes that are not integers in range or dropout outside [0, 1].
 * @example const gru = new nn.GRU(8, 16, { bidirectional: true }); const [out, hN] = gru.forward(x); // out: [L, N, 32]
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNBaseOptions = {}) {
    expectArity('GRU', arguments, 2, true);
    const o = checkOptions('GRU', opts, [...BASE_NAMES]);
    super('GRU', 'GRU', inputSize, hiddenSize, o);
  }

  /**
   * Runs the GRU over x from h0 (zeros when absent).
   * @param x (L, N, inputSize), (N, L, inputSize) with batchFirst, or (L, inputSize).
   * @param h0 (numLayers * D, N, hiddenSize), or (numLayers * D, hiddenSize) unbatched [zeros].
   * @returns `[output, hN]` as {@link RNN.forward}.
   * @throws TypeError for a non-Tensor; RangeError naming the shapes for an input whose last
   *   dimension is not inputSize, an input that is not 2-D or 3-D, or an h0 of the wrong shape.
   */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    if (arguments.length > 2) expectArity('GRU.forward', arguments, 2);
    const [out, hN] = this.run('GRU.forward', x, h0, null, ['h0', 'c0']);
    return [out, hN];
  }
}
