// F.batchNorm: batch normalisation (Ioffe & Szegedy 2015) on the native fused kernels.
import { Tensor, fromOp, checkTensor, freshGrad } from '../../tensor';
import { formatShape } from '../../shape';
import { native } from '../../native';
import { emptyFloat32 } from './buffers';
import { checkBoolean, checkInRange, checkOptions } from '../../errors';
import { checkEps } from '../../errors';
import { expectArity } from '../../options';
import { typeError, rangeErrorText, shapeError } from '../../errors';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** [none] the per-channel scale gamma, of shape (C); null or absent for none. */
  weight?: Tensor | null;
  /** [none] the per-channel shift beta, of shape (C); null or absent for none. */
  bias?: Tensor | null;
  /** [false] true normalises with the batch's statistics (and updates the running ones); false with the running statistics. */
  training?: boolean;
  /** [0.1] the weight of the batch in the running-statistics update, in [0, 1]. */
  momentum?: number;
  /** [1e-5] added to the variance before the square root; non-negative. */
  eps?: number;
}

/** Input (N, C, ...) viewed as (N, C, L), L the product of the dimensions past C. */
export function batchNormDims(x: Tensor): [number, number, number] {
  let L = 1;
  for (let i = 2; i < x.ndim; i++) L *= x.shape[i];
  return [x.shape[0], x.shape[1], L];
}

/**
 * Training needs more than one value per channel: one value has no variance, and PyTorch
 * refuses it ("Expected more than 1 value per channel when training").
 */
export function checkBatchSize(where: string, x: Tensor): void {
  const [N, , L] = batchNormDims(x);
  if (N * L === 1) throw rangeErrorText(where, 'more than 1 value per channel when training', 'input', `shape ${formatShape(x.shape)}`);
}

function checkChannelVector(where: string, name: string, t: Tensor | null | undefined, C: number): Tensor | null {
  if (t === undefined || t === null) return null;
  checkTensor(where, name, t);
  if (t.numel !== C) throw shapeError(where, `shape [${C}]`, name, t.shape);
  return t;
}

/**
 * Batch normalisation over the channel dimension (dim 1), as torch.nn.functional.batch_norm
 * (Ioffe & Szegedy 2015): y = (x - mean) / sqrt(var + eps) * weight + bias.
 * In training the mean and biased variance are taken over every dimension but 1, and the
 * running statistics, when given, are updated in place:
 * running = (1 - momentum) * running + momentum * batch, with the unbiased variance.
 * Otherwise the running statistics normalise.
 * @param x (N, C, ...) input, at least 2-D
 * @param runningMean (C) or null; updated in place in training
 * @param runningVar (C) or null; updated in place in training
 * @param opts `{ weight?: (C), bias?: (C), training = false, momentum = 0.1, eps = 1e-5 }`
 * @throws TypeError for non-tensors, wrong option types or a surplus argument (PyTorch's positional options go in opts); RangeError for shapes that do not fit,
 *   missing running statistics in evaluation, or one value per channel in training.
 * @example F.batchNorm(x, runningMean, runningVar, { weight, bias, training: true })
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  if (arguments.length > 3) expectArity('batchNorm', arguments, 3, true);
  return batchNormAt('batchNorm', x, runningMean, runningVar, opts);
}

/** F.batchNorm naming `where` in its errors: BatchNorm1d/2d's forward calls it. @internal */
export function batchNormAt(where: string, x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['weight', 'bias', 'training', 'momentum', 'eps']);
  if (x.ndim < 2) throw shapeError(where, 'at least 2 dimensions (N, C, ...)', 'input', x.shape);
  const [N, C, L] = batchNormDims(x);
  const rm = checkChannelVector(where, 'runningMean', runningMean, C);
  const rv = checkChannelVector(where, 'runningVar', runningVar, C);
  const weight = checkChannelVector(where, 'weight', o.weight, C);
  const bias = checkChannelVector(where, 'bias', o.bias, C);
  const training = checkBoolean(where, 'training', o.training ?? false);
  const momentum = checkInRange(where, 'momentum', o.momentum ?? 0.1, 0, 1);
  const eps = checkEps(where, o.eps ?? 1e-5);
  if (training) checkBatchSize(where, x);
  else if (rm === null || rv === null) {
    throw typeError(where, 'a Tensor in evaluation (training: false)', rm === null ? 'runningMean' : 'runningVar', null);
  }

  const out = emptyFloat32(x.numel);
  const mean = new Float32Array(C);
  const rstd = new Float32Array(C);
  const w = weight ? weight.data : null;
  const b = bias ? bias.data : null;
  if (training) native.batchNormForwardTrain(out, mean, rstd, rm ? rm.data : null, rv ? rv.data : null, x.data, w, b, N, C, L, momentum, eps);
  else native.batchNormForwardEval(out, mean, rstd, x.data, w, b, rm!.data, rv!.data, N, C, L, eps);

  const inputs = [x, weight, bias].filter((t): t is Tensor => t !== null);
  return fromOp(out, x.shape.slice(), inputs, 'batchNorm', (g) => {
    const dx = x.requiresGrad ? emptyFloat32(x.numel) : null;
    const dw = weight && weight.requiresGrad ? new Float32Array(C) : null;
    const db = bias && bias.requiresGrad ? new Float32Array(C) : null;
    native.batchNormBackward(dx, dw, db, g, x.data, w, mean, rstd, N, C, L, training);
    const grads: (Float32Array | null)[] = [dx];
    if (weight) grads.push(dw);
    if (bias) grads.push(db);
    return grads.map((a) => a && freshGrad(a));
  });
}
