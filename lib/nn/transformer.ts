// torch.nn.TransformerEncoderLayer and torch.nn.TransformerEncoder (Vaswani et al. 2017), as
// PyTorch 1.13's _sa_block / _ff_block, post-norm and pre-norm.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { Linear } from './linear';
import { LayerNorm } from './layernorm';
import { Dropout } from './dropout';
import { Sequential } from './sequential';
import { MultiheadAttention } from './attention';
import { checkAttentionDropout } from './functional/attention';
import { gelu, relu } from './functional/activation';
import { checkBoolean, checkChoice, checkInt, checkNonNegative, checkOptions, typeError } from '../errors';
import { expectArity } from '../options';
import { Generator, generatorFrom } from '../random';
import { checkShape, formatShape } from '../shape';
import { rangeError, shapeError } from '../errors';

/** Options of {@link TransformerEncoderLayer}'s constructor. */
export interface TransformerEncoderLayerOptions {
  /** [2048] the hidden size of the feed-forward block. */
  dimFeedforward?: number;
  /** [0.1] the dropout probability of every dropout in the layer (attention weights included). */
  dropout?: number;
  /** ['relu'] the feed-forward activation: 'relu' or 'gelu' (exact, erf). */
  activation?: 'relu' | 'gelu';
  /** [1e-5] the LayerNorms' eps. */
  layerNormEps?: number;
  /** [false] inputs and outputs are (N, S, E) instead of (S, N, E). */
  batchFirst?: boolean;
  /** [false] pre-norm: LayerNorm before each block (x + f(norm(x))) instead of after (norm(x + f(x))). */
  normFirst?: boolean;
  /** [true] biases in the attention, the linear layers and the LayerNorms. */
  bias?: boolean;
  /** The stream the initial weights and the dropout masks are drawn from [the default generator]. */
  generator?: Generator;
}

/** Options of {@link TransformerEncoderLayer.forward}. */
export interface TransformerEncoderLayerForwardOptions {
  /** [none] a float mask added to the attention scores: (S, S) or (N * nhead, S, S). */
  srcMask?: Tensor | null;
  /** [none] (N, S): a float mask added to every query's score for key s (-Infinity ignores it). */
  srcKeyPaddingMask?: Tensor | null;
  /** [false] adds the causal mask (position i attends to j <= i). */
  isCausal?: boolean;
}

/** Options of {@link TransformerEncoder.forward}. */
export interface TransformerEncoderForwardOptions {
  /** [none] a float mask added to the attention scores of every layer: (S, S) or (N * nhead, S, S). */
  mask?: Tensor | null;
  /** [none] (N, S): a float key padding mask for every layer. */
  srcKeyPaddingMask?: Tensor | null;
  /** [false] adds the causal mask in every layer. */
  isCausal?: boolean;
}

/** The names the masks go by in errors. */
type MaskNames = { attnMask: string; keyPaddingMask: string };

/** The configuration a layer was built with: enough to build an independent copy. */
interface LayerConfig {
  dModel: number;
  nhead: number;
  dimFeedforward: number;
  dropout: number;
  activation: 'relu' | 'gelu';
  layerNormEps: number;
  batchFirst: boolean;
  normFirst: boolean;
  bias: boolean;
  generator: Generator | undefined;
}

/**
 * One Transformer encoder layer (Vaswani et al. 2017, "Attention is all you need"), as
 * torch.nn.TransformerEncoderLayer: self-attention then a feed-forward block
 * linear2(dropout(activation(linear1(x)))), each with dropout and a residual connection.
 * Post-norm (default): x = norm1(x + sa(x)); x = norm2(x + ff(x)). Pre-norm (normFirst,
 * Xiong et al. 2020): x = x + sa(norm1(x)); x = x + ff(norm2(x)). Children and state-dict
 * keys as PyTorch: `self_attn.*` (a {@link MultiheadAttention}), `linear1.*`, `linear2.*`,
 * `norm1.*`, `norm2.*`; the dropouts `dropout`, `dropout1`, `dropout2` hold no parameters.
 * `selfAttn` is the same child as `self_attn`.
 * @param dModel the model size E, a multiple of nhead.
 * @param nhead the number of attention heads.
 * @param opts `{ dimFeedforward = 2048, dropout = 0.1, activation = 'relu', layerNormEps = 1e-5, batchFirst = false, normFirst = false, bias = true, generator? }`
 * @throws TypeError for non-number sizes, a non-boolean flag, an unknown option or a surplus
 *   argument; RangeError for sizes that are not positive integers, dModel not divisible by
 *   nhead, dropout outside [0, 1], a bad eps or an activation other than 'relu' or 'gelu'.
 * @example
 * const layer = new nn.TransformerEncoderLayer(64, 4, { dimFeedforward: 128, batchFirst: true });
 * const y = layer.forward(x, { isCausal: true }); // x: (N, S, 64)
 */
export class TransformerEncoderLayer extends Module {
  /** The self-attention block (key prefix `self_attn.`). */
  self_attn: MultiheadAttention;
  /** The feed-forward block's first layer, dModel to dimFeedforward. */
  linear1: Linear;
  /** The dropout inside the feed-forward block. */
  dropout: Dropout;
  /** The feed-forward block's second layer, dimFeedforward to dModel. */
  linear2: Linear;
  /** Whether the LayerNorms come before the blocks (pre-norm). */
  readonly normFirst: boolean;
  /** The LayerNorm of the attention block. */
  norm1: LayerNorm;
  /** The LayerNorm of the feed-forward block. */
  norm2: LayerNorm;
  /** The dropout after the attention block. */
  dropout1: Dropout;
  /** The dropout after the feed-forward block. */
  dropout2: Dropout;
  /** The feed-forward activation. */
  readonly activation: 'relu' | 'gelu';
  /** The configuration, for copies. */
  private readonly config: LayerConfig;

  constructor(dModel: number, nhead: number, opts: TransformerEncoderLayerOptions = {}) {
    super();
    const where = 'TransformerEncoderLayer';
    expectArity(where, arguments, 2, true, [undefined, undefined, 'dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst']);
    const o = checkOptions(where, opts, ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias', 'generator']);
    checkInt(where, 'dModel', dModel, 1, 2 ** 31 - 1);
    checkInt(where, 'nhead', nhead, 1, 2 ** 31 - 1);
    const config: LayerConfig = {
      dModel,
      nhead,
      dimFeedforward: checkInt(where, 'dimFeedforward', o.dimFeedforward ?? 2048, 1, 2 ** 31 - 1),
      dropout: checkAttentionDropout(where, 'dropout', o.dropout ?? 0.1),
      activation: checkChoice(where, 'activation', o.activation ?? 'relu', ['relu', 'gelu'] as const),
      layerNormEps: checkNonNegative(where, 'layerNormEps', o.layerNormEps ?? 1e-5),
      batchFirst: checkBoolean(where, 'batchFirst', o.batchFirst ?? false),
      normFirst: checkBoolean(where, 'normFirst', o.normFirst ?? false),
      bias: checkBoolean(where, 'bias', o.bias ?? true),
      generator: o.generator,
    };
    const g = generatorFrom(where, o);
    const { dimFeedforward, dropout, bias, layerNormEps } = config;
    // Sizes each valid alone may make weights no tensor can hold: name the size that does.
    checkShape(where, [3 * dModel, dModel], 'dModel (self_attn.in_proj_weight [3 dModel, dModel])');
    checkShape(where, [dimFeedforward, dModel], 'dimFeedforward (linear1.weight [dimFeedforward, dModel])');
    if (dModel % nhead !== 0) throw rangeError(where, `a multiple of nhead (${nhead})`, 'dModel', dModel);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout, bias, batchFirst: config.batchFirst, generator: g });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, generator: g });
    this.dropout = new Dropout(dropout, { generator: o.generator });
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, generator: g });
    this.normFirst = config.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: layerNormEps, bias });
    this.norm2 = new LayerNorm(dModel, { eps: layerNormEps, bias });
    this.dropout1 = new Dropout(dropout, { generator: o.generator });
    this.dropout2 = new Dropout(dropout, { generator: o.generator });
    this.activation = config.activation;
    this.config = config;
  }

  /** The self-attention block (the `self_attn` child). */
  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }

  /**
   * An independent deep copy: a new layer of the same configuration holding copies of this
   * one's parameters, in the same training mode (what PyTorch's copy.deepcopy gives
   * TransformerEncoder).
   * @returns the copy; changing either leaves the other as it was.
   * @example const twin = layer.copy();
   */
  copy(): TransformerEncoderLayer {
    if (arguments.length > 0) expectArity('TransformerEncoderLayer.copy', arguments, 0);
    const c = this.config;
    const twin = new TransformerEncoderLayer(c.dModel, c.nhead, {
      dimFeedforward: c.dimFeedforward,
      dropout: c.dropout,
      activation: c.activation,
      layerNormEps: c.layerNormEps,
      batchFirst: c.batchFirst,
      normFirst: c.normFirst,
      bias: c.bias,
      generator: c.generator,
    });
    const sd = this.stateDict();
    const own: Record<string, Tensor> = {};
    for (const [key, t] of Object.entries(sd)) own[key] = t.clone();
    twin.loadStateDict(own);
    twin.train(this.training);
    return twin;
  }

  /** x + dropout1(self_attn(x, x, x)), PyTorch's _sa_block without the residual. */
  private saBlock(where: string, names: MaskNames, x: Tensor, srcMask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.self_attn.forwardAt(where, x, x, x, { attnMask: srcMask, keyPaddingMask: kpm, needWeights: false, isCausal }, names);
    return this.dropout1.forward(y);
  }

  /** PyTorch's _ff_block: dropout2(linear2(dropout(activation(linear1(x))))). */
  private ffBlock(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    const a = this.activation === 'gelu' ? gelu(h) : relu(h);
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(a)));
  }

  /**
   * Runs the layer.
   * @param src (S, N, E), (N, S, E) with batchFirst, or unbatched (S, E).
   * @param opts `{ srcMask?, srcKeyPaddingMask?, isCausal = false }`: float masks, as
   *   {@link MultiheadAttention.forward}'s attnMask and keyPaddingMask.
   * @returns src's shape.
   * @throws TypeError for a non-Tensor, an unknown option or a surplus argument; RangeError
   *   naming the shapes when src or a mask does not fit.
   * @example const y = layer.forward(x, { srcKeyPaddingMask: pad });
   */
  override forward(src: Tensor, opts: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const where = 'TransformerEncoderLayer.forward';
    if (arguments.length > 1) expectArity(where, arguments, 1, true, [undefined, 'srcMask', 'srcKeyPaddingMask', 'isCausal']);
    checkTensor(where, 'src', src);
    const o = checkOptions(where, opts, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    return this.forwardAt(where, src, o, { attnMask: 'srcMask', keyPaddingMask: 'srcKeyPaddingMask' });
  }

  /** forward with checked options, naming `where` and the masks as `names` says. @internal */
  forwardAt(where: string, src: Tensor, o: TransformerEncoderLayerForwardOptions, names: MaskNames): Tensor {
    const mask = o.srcMask ?? null;
    const kpm = o.srcKeyPaddingMask ?? null;
    const isCausal = checkBoolean(where, 'isCausal', o.isCausal ?? false);
    const E = this.config.dModel;
    if ((src.ndim !== 2 && src.ndim !== 3) || src.shape[src.ndim - 1] !== E) {
      throw shapeError(where, `shape (S, N, ${E}), (N, S, ${E}) with batchFirst or (S, ${E})`, 'src', src.shape);
    }
    let x = src;
    if (this.normFirst) {
      x = x.add(this.saBlock(where, names, this.norm1.forward(x), mask, kpm, isCausal));
      x = x.add(this.ffBlock(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(this.saBlock(where, names, x, mask, kpm, isCausal)));
      x = this.norm2.forward(x.add(this.ffBlock(x)));
    }
    return x;
  }
}

/**
 * A stack of Transformer encoder layers, as torch.nn.TransformerEncoder: numLayers independent
 * copies of encoderLayer (state-dict keys `layers.0.*`, `layers.1.*`, ...) run in order, then
 * the optional final norm (`norm.*`, the module given, not a copy).
 * @param encoderLayer the layer to copy; it is not itself part of the stack.
 * @param numLayers the number of copies, at least 1.
 * @param opts `{ norm? }`: a module applied to the last layer's output (usually a LayerNorm).
 * @throws TypeError when encoderLayer is not a TransformerEncoderLayer, norm not a Module, for an
 *   unknown option or a surplus argument; RangeError for numLayers that is not a positive integer.
 * @example
 * const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(64, 4), 2, { norm: new nn.LayerNorm(64) });
 * const y = enc.forward(x, { isCausal: true });
 */
export class TransformerEncoder extends Module {
  /** The layers, children '0', '1', ... (PyTorch's ModuleList `layers`). */
  layers: Sequential;
  /** The number of layers. */
  readonly numLayers: number;
  /** The final norm, or null. */
  norm: Module | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    const where = 'TransformerEncoder';
    expectArity(where, arguments, 2, true, [undefined, undefined, 'norm']);
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw typeError(where, 'a TransformerEncoderLayer', 'encoderLayer', encoderLayer);
    this.numLayers = checkInt(where, 'numLayers', numLayers, 1, 2 ** 31 - 1);
    const o = checkOptions(where, opts, ['norm']);
    const norm = o.norm ?? null;
    if (norm !== null && !(norm instanceof Module)) throw typeError(where, 'a Module', 'norm', norm);
    const layers = new Sequential();
    for (let i = 0; i < numLayers; i++) layers.append(encoderLayer.copy());
    this.layers = layers;
    this.norm = norm;
  }

  /**
   * Runs every layer in turn with the same masks, then the norm.
   * @param src (S, N, E), (N, S, E) when the layers are batchFirst, or unbatched (S, E).
   * @param opts `{ mask?, srcKeyPaddingMask?, isCausal = false }`, passed to every layer as its
   *   srcMask, srcKeyPaddingMask and isCausal.
   * @returns src's shape.
   * @throws TypeError for a non-Tensor, an unknown option or a surplus argument; RangeError
   *   naming the shapes when src or a mask does not fit.
   * @example const y = enc.forward(x, { srcKeyPaddingMask: pad });
   */
  override forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    const where = 'TransformerEncoder.forward';
    if (arguments.length > 1) expectArity(where, arguments, 1, true, [undefined, 'mask', 'srcKeyPaddingMask', 'isCausal']);
    checkTensor(where, 'src', src);
    const o = checkOptions(where, opts, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    const isCausal = checkBoolean(where, 'isCausal', o.isCausal ?? false);
    let x = src;
    for (const layer of this.layers) {
      x = (layer as TransformerEncoderLayer).forwardAt(where, x, { srcMask: o.mask ?? null, srcKeyPaddingMask: o.srcKeyPaddingMask ?? null, isCausal }, { attnMask: 'mask', keyPaddingMask: 'srcKeyPaddingMask' });
    }
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}
