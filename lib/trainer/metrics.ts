// Per-batch metrics and their sample-weighted means over an epoch.
import { Tensor } from '../tensor';
import { formatShape } from '../shape';
import { MetricName } from './types';
import { rangeErrorText } from '../errors';

/**
 * Correct predictions in a batch. Outputs (N, C) with C >= 2 are scores per class (argmax);
 * outputs (N,) or (N, 1) are binary logits (positive means class 1). Targets hold class
 * indices, N of them.
 */
export function countCorrect(where: string, output: Tensor, target: Tensor): number {
  const n = output.ndim === 0 ? 1 : output.shape[0];
  if (target.numel !== n || (target.ndim > 1 && !(target.ndim === 2 && target.shape[1] === 1))) {
    throw rangeErrorText(where, `targets of shape [${n}] (class indices)`, 'the accuracy metric', `${formatShape(target.shape)} with outputs ${formatShape(output.shape)}`);
  }
  const out = output.data;
  const y = target.data;
  const classes = output.numel / Math.max(n, 1);
  let correct = 0;
  if (classes === 1) {
    for (let i = 0; i < n; i++) if ((out[i] > 0 ? 1 : 0) === y[i]) correct++;
    return correct;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = out[i * classes];
    for (let c = 1; c < classes; c++) {
      const v = out[i * classes + c];
      if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
        best = c;
        bestValue = v;
      }
    }
    if (best === y[i]) correct++;
  }
  return correct;
}

/** Running, sample-weighted means of the loss and metrics. */
export class Meter {
  samples = 0;
  batches = 0;
  private lossSum = 0;
  private correct = 0;

  constructor(private readonly metrics: readonly MetricName[]) {}

  add(loss: number, size: number, correct: number): void {
    this.lossSum += loss * size;
    this.correct += correct;
    this.samples += size;
    this.batches++;
  }

  get loss(): number {
    return this.lossSum / this.samples;
  }

  /** { loss, accuracy? }, each key prefixed (val_) when asked. */
  result(prefix = ''): Record<string, number> {
    const out: Record<string, number> = { [`${prefix}loss`]: this.loss };
    if (this.metrics.includes('accuracy')) out[`${prefix}accuracy`] = this.correct / this.samples;
    return out;
  }
}
