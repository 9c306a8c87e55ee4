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

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics; null for a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * The shared body of BatchNorm1d and BatchNorm2d (PyTorch's _BatchNorm); subclasses say which
 * input ranks they take.
 */
export abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  /**
   * Whether training updates the running statistics; read at every forward, as PyTorch's, so
   * setting it false after construction stops the updates (the buffers stay).
   */
  trackRunningStats: boolean;
  // Declared in PyTorch's registration order, which the state dict follows.
  weight: Parameter | null;
  bias: Parameter | null;
  runningMean: Buffer | null;
  runningVar: Buffer | null;
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

  /** Running mean 0, running variance 1, no batches seen. */
  resetRunningStats(): void {
    if (this.runningMean) this.runningMean.data.fill(0);
    if (this.runningVar) this.runningVar.data.fill(1);
    if (this.numBatchesTracked) this.numBatchesTracked.data[0] = 0;
  }

  /** PyTorch's default: weight 1, bias 0, fresh running statistics. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) this.weight.data.fill(1);
    if (this.bias) this.bias.data.fill(0);
  }

  /** Throws unless x has a rank this layer takes. */
  protected abstract checkInputDim(where: string, x: Tensor): void;

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
 * Batch normalisation over (N, C) or (N, C, L) input, as torch.nn.BatchNorm1d (Ioffe & Szegedy 2015):
 * y = (x - mean) / sqrt(var + eps) * weight + bias per channel. Training normalises with the
 * batch mean and biased variance and updates runningMean/runningVar (the unbiased variance)
 * as running = (1 - momentum) * running + momentum * batch; evaluation uses the running statistics.
 * @param numFeatures C, the number of channels
 * @param opts `{ eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }`;
 *   momentum null is a cumulative average; trackRunningStats false keeps no running statistics
 *   and normalises with batch statistics in evaluation too.
 * @throws TypeError/RangeError for bad options; forward throws RangeError for a wrong rank or
 *   channel count, or one value per channel in training.
 * @example const bn = new nn.BatchNorm1d(16); const y = bn.forward(x); // x: (N, 16)
 */
export class BatchNorm1d extends BatchNormBase {
  protected checkInputDim(where: string, x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw shapeError(where, 'a 2-D (N, C) or 3-D (N, C, L) tensor', 'input', x.shape);
  }
}

/**
 * Batch normalisation over (N, C, H, W) input, as torch.nn.BatchNorm2d (Ioffe & Szegedy 2015):
 * per channel, statistics over N, H and W; see BatchNorm1d for the running statistics.
 * @param numFeatures C, the number of channels
 * @param opts `{ eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }`
 * @throws TypeError/RangeError for bad options; forward throws RangeError for a wrong rank or
 *   channel count, or one value per channel in training.
 * @example const bn = new nn.BatchNorm2d(64); const y = bn.forward(x); // x: (N, 64, H, W)
 */
export class BatchNorm2d extends BatchNormBase {
  protected checkInputDim(where: string, x: Tensor): void {
    if (x.ndim !== 4) throw shapeError(where, 'a 4-D tensor (N, C, H, W)', 'input', x.shape);
  }
}
