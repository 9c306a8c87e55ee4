// torch.nn.Embedding.
import { Tensor, checkTensor, noGrad } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { EmbeddingOptions, checkMaxNorm, embeddingAt, paddingRow, refuseUnimplemented } from './functional/embedding';
import { IndexInput } from './functional/indices';
import { checkBoolean, checkInt, checkOptions, shapeError } from '../errors';
import { expectArity } from '../options';
import { Generator, generatorFrom } from '../random';
import { checkShape, formatShape } from '../shape';
import { normal } from './init/fill';

/** Options of `nn.Embedding`. */
export interface EmbeddingModuleOptions extends EmbeddingOptions {
  /** [the default generator] the random stream of the initial weight. */
  generator?: Generator;
}

/** Options of `Embedding.fromPretrained`. */
export interface FromPretrainedOptions extends EmbeddingOptions {
  /** [true] whether the weight stays fixed (requiresGrad false), as PyTorch's freeze. */
  freeze?: boolean;
}

const OPTION_NAMES = ['paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'] as const;
// PyTorch's positional parameters: num_embeddings, embedding_dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse.
const TORCH_NAMES = ['numEmbeddings', 'embeddingDim', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse'];

/**
 * A lookup table of numEmbeddings vectors of size embeddingDim, as torch.nn.Embedding:
 * `forward(ids)` of any shape gives `[...ids.shape, embeddingDim]` (see F.embedding). The weight
 * (state-dict key `weight`) is initialised N(0, 1) with the paddingIdx row zero; that row gets no
 * gradient, so it stays as it is.
 * @param numEmbeddings rows of the table (the vocabulary size), at least 1
 * @param embeddingDim the size of each vector
 * @param opts `{ paddingIdx = null, maxNorm = null, normType = 2, generator? }` (paddingIdx may
 *   be negative, counted from the end; scaleGradByFreq and sparse are not implemented)
 * @throws TypeError / RangeError for non-integer or out-of-range sizes, a paddingIdx outside
 *   [-numEmbeddings, numEmbeddings), or an unimplemented option; forward throws a RangeError
 *   naming an id that is not an integer in [0, numEmbeddings).
 * @example const emb = new nn.Embedding(10000, 64, { paddingIdx: 0 }); const x = emb.forward([[5, 9, 0]]); // [1, 3, 64]
 */
export class Embedding extends Module {
  /** The number of rows (vocabulary size). */
  readonly numEmbeddings: number;
  /** The size of each vector. */
  readonly embeddingDim: number;
  /** The row that gets no gradient, in [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  /** Renormalise looked-up rows to at most this norm, or null. */
  readonly maxNorm: number | null;
  /** The p of maxNorm's p-norm. */
  readonly normType: number;
  /** The table, (numEmbeddings, embeddingDim). */
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingModuleOptions = {}) {
    super();
    const where = 'Embedding';
    expectArity(where, arguments, 2, true, TORCH_NAMES);
    const o = checkOptions(where, opts, [...OPTION_NAMES, 'generator']);
    this.numEmbeddings = checkInt(where, 'numEmbeddings', numEmbeddings, 1, 2 ** 31 - 1);
    this.embeddingDim = checkInt(where, 'embeddingDim', embeddingDim, 0, 2 ** 31 - 1);
    const pad = paddingRow(where, o.paddingIdx, numEmbeddings);
    this.paddingIdx = pad < 0 ? null : pad;
    ({ maxNorm: this.maxNorm, normType: this.normType } = checkMaxNorm(where, o));
    refuseUnimplemented(where, o);
    checkShape(where, [numEmbeddings, embeddingDim], 'weight shape [numEmbeddings, embeddingDim]');
    this.weight = new Parameter(new Float32Array(numEmbeddings * embeddingDim), [numEmbeddings, embeddingDim]);
    this.resetParameters(generatorFrom(where, o));
  }

  /**
   * An Embedding holding `embeddings` as its weight (shared, not copied, as PyTorch's
   * from_pretrained), frozen unless `freeze` is false. The paddingIdx row keeps its values.
   * @param embeddings (numEmbeddings, embeddingDim)
   * @param opts `{ freeze = true, paddingIdx = null, maxNorm = null, normType = 2 }`
   * @throws TypeError for a non-Tensor or a non-boolean freeze; RangeError for a tensor that is not 2-D or a bad option.
   * @example const emb = nn.Embedding.fromPretrained(vectors, { freeze: false });
   */
  static fromPretrained(embeddings: Tensor, opts: FromPretrainedOptions = {}): Embedding {
    const where = 'Embedding.fromPretrained';
    expectArity(where, arguments, 1, true, ['embeddings', 'freeze', 'paddingIdx', 'maxNorm', 'normType', 'scaleGradByFreq', 'sparse']);
    checkTensor(where, 'embeddings', embeddings);
    const o = checkOptions(where, opts, ['freeze', ...OPTION_NAMES]);
    if (embeddings.ndim !== 2) throw shapeError(where, 'a 2-D tensor (numEmbeddings, embeddingDim)', 'embeddings', embeddings.shape);
    // At least one row (as Embedding's numEmbeddings): the error must name embeddings, not a size it holds.
    if (embeddings.shape[0] < 1) throw shapeError(where, 'a 2-D tensor with at least one row (numEmbeddings >= 1)', 'embeddings', embeddings.shape);
    const freeze = checkBoolean(where, 'freeze', o.freeze ?? true);
    const { freeze: _, ...rest } = o;
    const [V, E] = embeddings.shape;
    // Validate everything (paddingIdx against V included) before building: a 1-row table is
    // cheap, and its weight is replaced below.
    const emb = new Embedding(V, 0, { ...rest });
    (emb as { embeddingDim: number }).embeddingDim = E;
    emb.weight = new Parameter(embeddings, !freeze);
    return emb;
  }

  /** PyTorch's reset_parameters: weight N(0, 1), then the paddingIdx row zero. */
  resetParameters(generator?: Generator): void {
    normal(this.weight, 0, 1, { generator: generator ?? generatorFrom('Embedding') });
    if (this.paddingIdx !== null) {
      const E = this.embeddingDim;
      noGrad(() => this.weight.data.fill(0, this.paddingIdx! * E, (this.paddingIdx! + 1) * E));
    }
  }

  /**
   * Looks the ids up (see F.embedding).
   * @param ids integer ids of any shape: a Tensor, an Int32Array or a nested number[]
   * @returns [...ids.shape, embeddingDim]
   */
  override forward(ids: IndexInput): Tensor {
    return embeddingAt('Embedding.forward', ids, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType }, 'ids');
  }

  /** As PyTorch's: `10, 3, padding_idx=0`. */
  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${this.maxNorm}`;
    if (this.normType !== 2) s += `, norm_type=${this.normType}`;
    return s;
  }
}
