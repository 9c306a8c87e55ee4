// The text demo's training loop, evaluation and sampling, shared by examples/text/main.ts and
// test/text-demo.test.ts. bench/text_lm.py mirrors each function here.
import { Tensor, noGrad } from '../../lib/tensor';
import { Generator } from '../../lib/random';
import * as nn from '../../lib/nn';
import * as optim from '../../lib/optim';
import { Encoded, IGNORE_INDEX, START, END, PAD, LETTER0, VOCAB_SIZE, batches, decode, range } from './data';
import { decayGroups } from './models';

/** A model from (B, t) token ids to (B, t, VOCAB_SIZE) logits. */
export type LanguageModel = nn.Module & { forward(ids: Tensor): Tensor };

/** The model's logits for ids (forward, typed). */
function logits(model: LanguageModel, ids: Tensor): Tensor {
  return model.forward(ids) as Tensor;
}

/** Settings of one training run. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Peak AdamW learning rate. */
  lr: number;
  /** Steps of linear warmup before the cosine decay. */
  warmup: number;
  /** AdamW weight decay of the weight matrices. */
  weightDecay: number;
  /** Gradient-norm clip. */
  clip: number;
  /** Row order of each epoch (data.epochOrders); each may be cut short by `limit`. */
  orders: ArrayLike<number>[];
  /** Train on the first `limit` rows of each order only (0: all). */
  limit?: number;
  /** Called after each epoch. */
  onEpoch?: (e: EpochResult) => void;
  /** Called every `every` steps with the running loss. */
  onStep?: (step: number, total: number, loss: number) => void;
}

/** Losses of one epoch, in nats per character. */
export interface EpochResult {
  epoch: number;
  train: number;
  val: number;
  seconds: number;
}

/** Linear warmup to `peak` over `warmup` steps, then cosine to 0 at step `total`. */
export function lrAt(step: number, total: number, peak: number, warmup: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  return peak * 0.5 * (1 + Math.cos((Math.PI * (step - warmup)) / Math.max(1, total - warmup)));
}

/**
 * The mean cross-entropy per character over all rows of `enc` (nats), in eval mode.
 * @param batchSize rows per forward pass
 */
export function evaluate(model: LanguageModel, enc: Encoded, batchSize = 1024): number {
  const lossFn = new nn.CrossEntropyLoss({ ignoreIndex: IGNORE_INDEX, reduction: 'sum' });
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  let count = 0;
  noGrad(() => {
    for (const b of batches(enc, range(enc.n), batchSize)) {
      total += lossFn.forward(logits(model, b.x).reshape([-1, VOCAB_SIZE]), b.y.reshape([-1])).item();
      count += b.count;
    }
  });
  model.train(wasTraining);
  return total / count;
}

/**
 * Trains `model` with AdamW (no decay on biases, norms and embeddings), warmup-then-cosine
 * learning rate per step and gradient clipping, on `train` in the given orders; returns the
 * per-epoch losses (train: the mean over the epoch's characters; val: evaluate on `val`).
 */
export function trainModel(model: LanguageModel, train: Encoded, val: Encoded, o: TrainOptions): EpochResult[] {
  const optimizer = new optim.AdamW(decayGroups(model, o.weightDecay), { lr: o.lr });
  const lossFn = new nn.CrossEntropyLoss({ ignoreIndex: IGNORE_INDEX });
  const rows = o.limit ? Math.min(o.limit, train.n) : train.n;
  const stepsPerEpoch = Math.ceil(rows / o.batchSize);
  const total = stepsPerEpoch * o.epochs;
  const history: EpochResult[] = [];
  model.train();
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const started = Date.now();
    let sum = 0;
    let count = 0;
    const order = Array.prototype.slice.call(o.orders[epoch], 0, rows) as number[];
    for (const b of batches(train, order, o.batchSize)) {
      const lr = lrAt(step, total, o.lr, o.warmup);
      for (const g of optimizer.paramGroups) g.lr = lr;
      const loss = lossFn.forward(logits(model, b.x).reshape([-1, VOCAB_SIZE]), b.y.reshape([-1]));
      optimizer.zeroGrad();
      loss.backward();
      nn.utils.clipGradNorm(model.parameters(), o.clip);
      optimizer.step();
      const l = loss.item();
      sum += l * b.count;
      count += b.count;
      step++;
      o.onStep?.(step, total, sum / count);
    }
    const result = { epoch: epoch + 1, train: sum / count, val: evaluate(model, val), seconds: (Date.now() - started) / 1000 };
    history.push(result);
    o.onEpoch?.(result);
  }
  return history;
}

/**
 * Samples n words at temperature 1, one character at a time: never padding or start, no end
 * before the first letter, and the end forced after maxLen letters, so every word is 1..maxLen
 * letters a-z. Returns the token rows (each ending in END) and their letters.
 */
export function sampleWords(model: LanguageModel, n: number, maxLen: number, generator: Generator): { words: string[]; tokens: number[][] } {
  const wasTraining = model.training;
  model.eval();
  const rows: number[][] = Array.from({ length: n }, () => [START]);
  const done = new Array<boolean>(n).fill(false);
  noGrad(() => {
    for (let pos = 0; pos <= maxLen && done.includes(false); pos++) {
      const t = pos + 1;
      const x = new Tensor(Float32Array.from(rows.flat()), [n, t]);
      const out = logits(model, x).data;
      const u = generator.fillUniform(new Float32Array(n));
      for (let r = 0; r < n; r++) {
        if (done[r]) {
          rows[r].push(END);
          continue;
        }
        const at = (r * t + t - 1) * VOCAB_SIZE;
        const allowed = (k: number) => k !== PAD && k !== START && !(k === END && pos === 0) && !(k >= LETTER0 && pos === maxLen);
        let max = -Infinity;
        for (let k = 0; k < VOCAB_SIZE; k++) if (allowed(k)) max = Math.max(max, out[at + k]);
        const p = new Float64Array(VOCAB_SIZE);
        let z = 0;
        for (let k = 0; k < VOCAB_SIZE; k++) if (allowed(k)) z += p[k] = Math.exp(out[at + k] - max);
        let pick = -1;
        let acc = 0;
        for (let k = 0; k < VOCAB_SIZE; k++) {
          if (!allowed(k)) continue;
          pick = k; // the last allowed token takes what rounding leaves
          acc += p[k] / z;
          if (u[r] < acc) break;
        }
        rows[r].push(pick);
        if (pick === END) done[r] = true;
      }
    }
  });
  model.train(wasTraining);
  const tokens = rows.map((row) => row.slice(1, row.indexOf(END) + 1));
  return { words: tokens.map(decode), tokens };
}
