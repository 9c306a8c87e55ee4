// torch.nn.BatchNorm1d and BatchNorm2d (Ioffe & Szegedy 2015).
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { Buffer, Parameter } from './parameter';
import { batchNormAt, checkBatchSize } from './functional/batchnorm';
import { formatShape } from '../shape';
import { checkBoolean, checkInRange, checkInt, checkOptions } from '../errors';
import { checkEps } from '../errors';
import { shapeError } from '../errors';
import { expectArity } from '../options';
import { pyBool, pyFloat } from './pyrepr';

/**
 * Options of BatchNorm1d and BatchNorm2d, as torch.nn.BatchNorm's keyword arguments.
 * @example const bn = new kiln.nn.BatchNorm1d(32, { momentum: 0.01, affine: false });
 */
export interface BatchNormOptions {
  /** Added to the variance before the square root, for stability; finite and >= 0. @defaultValue 1e-5 */
  eps?: number;
  /**
   * Weight of the newest batch in the running statistics, in [0, 1]; null for a cumulative
   * average of every batch so far. @defaultValue 0.1
   */
  momentum?: number | null;
  /** Whether to learn a per-channel scale (weight, from 1) and shift (bias, from 0). @defaultValue true */
  affine?: boolean;
  /**
   * Whether to keep running statistics (the buffers runningMean, runningVar and
   * numBatchesTracked) for evaluation; false normalises with the batch's own statistics in
   * evaluation too. @defaultValue true
   */
  trackRunningStats?: boolean;
}

/**
 * The shared body of BatchNorm1d and BatchNorm2d (PyTorch's _BatchNorm); subclasses say which
 * input ranks they take.
 */
export abstract class BatchNormBase extends Module {
  /** C, the number of channels. */
  readonly numFeatures: number;
  /** Added to the variance before the square root. @defaultValue 1e-5 */
  readonly eps: number;
  /**
   * Weight of the newest batch in the running statistics; null for a cumulative average. May be
   * changed between steps, as PyTorch's. @defaultValue 0.1
   */
  momentum: number | null;
  /** Whether the layer has a learnt weight and bias. @defaultValue true */
  readonly affine: boolean;
  /**
   * Whether training updates the running statistics; read at every forward, as PyTorch's, so
   * setting it false after construction stops the updates (the buffers stay).
   */
  trackRunningStats: boolean;
  // Declared in PyTorch's registration order, which the state dict follows.
  /** gamma, the per-channel scale, shape [C], initialised to 1; null without affine. */
  weight: Parameter | null;
  /** beta, the per-channel shift, shape [C], initialised to 0; null without affine. */
  bias: Parameter | null;
  /** The running mean per channel, shape [C], from 0 (state-dict key `running_mean`); null without trackRunningStats. */
  runningMean: Buffer | null;
  /**
   * The running unbiased variance per channel, shape [C], from 1 (state-dict key
   * `running_var`); null without trackRunningStats.
   */
  runningVar: Buffer | null;
  /** Training batches seen, shape [] (state-dict key `num_batches_tracked`); null without trackRunningStats. */
  numBatchesTracked: Buffer | null;

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    const where = new.target.name;
    expectArity(where, arguments, 1, true);
    const o = checkOptions(where, opts, ['eps', 'momentum', 'affine', 'trackRunningStats']);
    this.numFeatures = checkInt(where, 'numFeatures', numFeatures, 1, 2 ** 31 - 1);
    this.eps = checkEps(where, o.eps ?? 1e-5);
    const momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.momentum = momentum === null ? null : checkInRange(where, 'momentum', momentum, 0, 1);
    this.affine = checkBoolean(where, 'affine', o.affine ?? true);
    this.trackRunningStats = checkBoolean(where, 'trackRunningStats', o.trackRunningStats ?? true);
    const C = numFeatures;
    this.weight = this.affine ? new Parameter(new Float32Array(C), [C]) : null;
    this.bias = this.affine ? new Parameter(new Float32Array(C), [C]) : null;
    this.runningMean = this.trackRunningStats ? new Buffer(new Float32Array(C), [C]) : null;
    this.runningVar = this.trackRunningStats ? new Buffer(new Float32Array(C), [C]) : null;
    this.numBatchesTracked = this.trackRunningStats ? new Buffer(new Float32Array(1), []) : null;
    this.resetParameters();
  }

  /**
   * Resets the running statistics: running mean 0, running variance 1, no batches seen.
   * @example bn.resetRunningStats(); // e.g. before re-estimating statistics on new data
   */
  resetRunningStats(): void {
    if (this.runningMean) this.runningMean.data.fill(0);
    if (this.runningVar) this.runningVar.data.fill(1);
    if (this.numBatchesTracked) this.numBatchesTracked.data[0] = 0;
  }

  /**
   * Re-initialises as PyTorch's default: weight 1, bias 0, and fresh running statistics.
   * @example bn.resetParameters();
   */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) this.weight.data.fill(1);
    if (this.bias) this.bias.data.fill(0);
  }

  /** Throws unless x has a rank this layer takes. */
  protected abstract checkInputDim(where: string, x: Tensor): void;

  /**
   * Normalises x per channel: with the batch's statistics in training (updating the running
   * statistics when trackRunningStats is on), with the running statistics in evaluation.
   * @param x (N, C) or (N, C, L) for BatchNorm1d, (N, C, H, W) for BatchNorm2d, C = numFeatures.
   * @returns a tensor of x's shape.
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when x has the wrong rank or channel count, or, in training, only one
   *   value per channel (N * L or N * H * W is 1), whose variance is undefined.
   * @example const y = new kiln.nn.BatchNorm1d(3).forward(kiln.randn([8, 3]));
   */
  override forward(x: Tensor): Tensor {
    const where = `${this.constructor.name}.forward`;
    checkTensor(where, 'input', x);
    this.checkInputDim(where, x);
    if (x.shape[1] !== this.numFeatures) {
      throw shapeError(where, `${this.numFeatures} channels`, 'input', x.shape);
    }
    // Checked before any state changes, so a refused batch leaves the counter alone.
    if (this.training) checkBatchSize(where, x);
    // PyTorch's _BatchNorm.forward, step for step: the counter moves only when training with
    // tracking on; trackRunningStats is read here, so it may change after construction.
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked) {
      this.numBatchesTracked.data[0] += 1;
      // momentum null: the running statistics are the plain average of every batch so far.
      factor = this.momentum === null ? 1 / this.numBatchesTracked.data[0] : this.momentum;
    }
    // Without running statistics the batch's own statistics normalise, in evaluation too;
    // with them, evaluation uses them even when tracking was turned off.
    const batchStats = this.training || (this.runningMean === null && this.runningVar === null);
    // The running statistics are passed (and so updated) in training only while tracking.
    const useRunning = !this.training || this.trackRunningStats;
    const rm = useRunning ? this.runningMean : null;
    const rv = useRunning ? this.runningVar : null;
    return batchNormAt(where, x, rm, rv, { weight: this.weight, bias: this.bias, training: batchStats, momentum: factor, eps: this.eps });
  }

  override extraRepr(): string {
    const m = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${m}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation over (N, C) or (N, C, L) input, as torch.nn.BatchNorm1d (Ioffe & Szegedy
 * 2015, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate
 * Shift"): per channel c, y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c, the
 * statistics over N (and L). Training normalises with the batch mean and biased variance and
 * updates the running statistics as
 * running = (1 - momentum) * running + momentum * batch, the variance unbiased
 * (times n / (n - 1)), or with momentum null as the plain average of every batch so far;
 * evaluation normalises with the running statistics.
 * @param numFeatures C, the number of channels.
 * @param opts `{ eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }`
 *   ({@link BatchNormOptions}): momentum null is a cumulative average; trackRunningStats false
 *   keeps no running statistics and normalises with batch statistics in evaluation too.
 * @throws {TypeError} when numFeatures or an option has the wrong type, opts is not an object,
 *   or an option name is unknown.
 * @throws {RangeError} when numFeatures is not an integer >= 1, eps is negative or not finite,
 *   or momentum is outside [0, 1].
 * @example
 * const bn = new kiln.nn.BatchNorm1d(16);
 * const y = bn.forward(kiln.randn([32, 16])); // training: batch statistics, running ones updated
 * bn.eval(); // now normalises with runningMean and runningVar
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(where: string, x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw shapeError(where, 'a 2-D (N, C) or 3-D (N, C, L) tensor', 'input', x.shape);
  }
}

/**
 * Batch normalisation over (N, C, H, W) input, as torch.nn.BatchNorm2d (Ioffe & Szegedy 2015):
 * per channel c, y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c with the statistics
 * over N, H and W; the running statistics are updated as in {@link BatchNorm1d}:
 * running = (1 - momentum) * running + momentum * batch (the variance unbiased).
 * @param numFeatures C, the number of channels.
 * @param opts `{ eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }`
 *   ({@link BatchNormOptions}).
 * @throws {TypeError} when numFeatures or an option has the wrong type, opts is not an object,
 *   or an option name is unknown.
 * @throws {RangeError} when numFeatures is not an integer >= 1, eps is negative or not finite,
 *   or momentum is outside [0, 1].
 * @example
 * const net = new kiln.nn.Sequential(new kiln.nn.Conv2d(3, 64, 3, { padding: 1, bias: false }), new kiln.nn.BatchNorm2d(64), new kiln.nn.ReLU());
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(where: string, x: Tensor): void {
    if (x.ndim !== 4) throw shapeError(where, 'a 4-D tensor (N, C, H, W)', 'input', x.shape);
  }
}
