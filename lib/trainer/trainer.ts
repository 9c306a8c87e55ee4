// Trainer: the training loop, as Keras's fit/evaluate/predict around a PyTorch-style step.
import { Tensor, noGrad } from '../tensor';
import { Module } from '../nn/module';
import { checkChoice, checkInt, checkNumber, checkOptions, describe, rangeError, typeError } from '../errors';
import { rangeErrorText } from '../errors';
import { expectArity } from '../options';
import { l1, l2 } from '../nn/regularization';
import { clipGradNorm } from '../nn/utils/clip_grad';
import { ReduceLROnPlateau } from '../optim/lr_scheduler/plateau';
import { Meter, countCorrect } from './metrics';
import { Progress, makeProgress } from './progress';
import {
  AbortSignalLike,
  AsyncBatches,
  Batches,
  BatchLogs,
  CALLBACK_HOOKS,
  Callback,
  EpochLogs,
  EvalResult,
  FitOptions,
  History,
  LossLike,
  MetricName,
  OptimizerLike,
  SchedulerLike,
  TrainerOptions,
} from './types';

const TRAINER_OPTIONS = ['optimizer', 'loss', 'metrics', 'scheduler', 'clipGradNorm', 'l1', 'l2'] as const;
const FIT_OPTIONS = ['epochs', 'validation', 'callbacks', 'progress', 'signal'] as const;

/** Lets timers and I/O run between batches, so a service stays responsive while it trains. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function checkBatches(where: string, name: string, loader: unknown): Batches | AsyncBatches {
  if (loader === null || typeof loader !== 'object' || (!isSync(loader) && typeof (loader as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function')) {
    throw typeError(where, 'an iterable of [input, target] batches (a DataLoader)', name, loader);
  }
  return loader as Batches | AsyncBatches;
}

function isSync(loader: unknown): loader is Batches {
  return typeof (loader as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/**
 * An iterator over a loader's batches, sync when the loader is (a DataLoader's epoch then runs
 * as it always has), async for an AsyncIterable. The caller awaits next() only when it returns
 * a promise, and so pulls a batch only when it is ready to train on it (backpressure).
 */
function batchIterator(loader: Batches | AsyncBatches): Iterator<unknown> | AsyncIterator<unknown> {
  return isSync(loader) ? loader[Symbol.iterator]() : loader[Symbol.asyncIterator]();
}

function isThenable<T>(v: T | Promise<T>): v is Promise<T> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/** Closes an iterator left before its end (a break, an abort, an error), as for-of does. */
async function closeBatches(it: Iterator<unknown> | AsyncIterator<unknown>): Promise<void> {
  const r = it.return?.();
  if (isThenable(r)) await r;
}

function checkBatch(where: string, batch: unknown, index: number): [Tensor, Tensor] {
  if (!Array.isArray(batch) || batch.length !== 2 || !(batch[0] instanceof Tensor) || !(batch[1] instanceof Tensor)) {
    throw typeError(where, 'a batch [input, target] of two Tensors', `batch ${index}`, batch);
  }
  return batch as [Tensor, Tensor];
}

/**
 * Trains a model: each batch does zeroGrad, forward, loss (plus the l1/l2 penalties),
 * backward, optional gradient clipping and optimizer.step(); the scheduler steps once per
 * epoch (a ReduceLROnPlateau with the epoch's validation loss, or its training loss without
 * validation). Written against kiln.optim's and kiln.nn's interfaces, so any optimiser with
 * zeroGrad/step/paramGroups and any loss Module or function works.
 *
 * Penalties: loss + l1 * sum|w| + l2 * sum w^2 over the parameters with 2+ dimensions (the
 * weights, not biases or norm scales), as tensor ops so their gradients flow. The logged
 * loss is the data loss alone, comparable with val_loss.
 * @param model the Module to train
 * @param opts `{ optimizer, loss, metrics = [], scheduler?, clipGradNorm?, l1 = 0, l2 = 0 }`;
 *   metrics may hold 'accuracy' (argmax of (N, C) outputs, or logits > 0 for (N,) / (N, 1),
 *   against class-index targets)
 * @throws {TypeError} for a model that is not a Module, a missing or wrong-typed option (a
 *   loss class instead of an instance), or an unknown option name.
 * @throws {RangeError} for a negative or non-finite penalty, a non-positive clipGradNorm, or a
 *   metric other than 'accuracy'.
 * @example
 * const trainer = new kiln.Trainer(model, { optimizer: new kiln.optim.Adam(model.parameters()), loss: new kiln.nn.CrossEntropyLoss(), metrics: ['accuracy'] });
 * const history = await trainer.fit(trainLoader, { epochs: 5, validation: testLoader });
 */
export class Trainer {
  /** The model being trained. */
  readonly model: Module;
  /** The optimiser stepped after each batch. */
  readonly optimizer: OptimizerLike;
  /** The scheduler stepped after each epoch, or null. */
  readonly scheduler: SchedulerLike | null;
  /** The metrics computed besides the loss. */
  readonly metrics: MetricName[];
  /** The gradient-norm clip, or null for none. */
  readonly clipGradNorm: number | null;
  /** The L1 penalty factor on the weights (0: none). */
  readonly l1: number;
  /** The L2 penalty factor on the weights (0: none). */
  readonly l2: number;
  /** Set to true (by a callback) to end fit after the current epoch. */
  stopTraining = false;
  private readonly lossFn: (output: Tensor, target: Tensor) => Tensor;
  private running = false;

  constructor(model: Module, opts: TrainerOptions) {
    expectArity('Trainer', arguments, 1, true);
    const where = 'Trainer';
    if (!(model instanceof Module)) throw typeError(where, 'a Module', 'model', model);
    if (opts === undefined) throw typeError(where, 'an options object with optimizer and loss', 'options', opts);
    const o = checkOptions(where, opts, TRAINER_OPTIONS);
    const opt = o.optimizer as OptimizerLike | undefined;
    if (!opt || typeof opt !== 'object' || typeof opt.zeroGrad !== 'function' || typeof opt.step !== 'function' || !Array.isArray(opt.paramGroups)) {
      throw typeError(where, 'an optimizer (an object with zeroGrad(), step() and paramGroups)', 'optimizer', opt);
    }
    this.model = model;
    this.optimizer = opt;
    this.lossFn = lossFunction(where, o.loss);
    const sched = o.scheduler;
    if (sched !== undefined && (sched === null || typeof sched !== 'object' || typeof sched.step !== 'function')) {
      throw typeError(where, 'a scheduler (an object with step())', 'scheduler', sched);
    }
    this.scheduler = sched ?? null;
    const metrics = o.metrics ?? [];
    if (!Array.isArray(metrics)) throw typeError(where, "an array of metric names (['accuracy'])", 'metrics', metrics);
    this.metrics = metrics.map((m, i) => checkChoice(where, `metrics[${i}]`, m, ['accuracy'] as const));
    if (o.clipGradNorm === undefined) this.clipGradNorm = null;
    else {
      const c = checkNumber(where, 'clipGradNorm', o.clipGradNorm);
      if (c <= 0) throw rangeError(where, 'a positive number', 'clipGradNorm', c);
      this.clipGradNorm = c;
    }
    this.l1 = checkPenalty(where, 'l1', o.l1);
    this.l2 = checkPenalty(where, 'l2', o.l2);
  }

  /** The parameters the penalties cover: those with 2+ dimensions (weights). */
  private penalized(): Tensor[] {
    return this.model.parameters().filter((p) => p.ndim >= 2);
  }

  /** The first param group's learning rate, if it has one. */
  private lr(): number | undefined {
    const lr = this.optimizer.paramGroups[0]?.lr;
    return typeof lr === 'number' ? lr : undefined;
  }

  private forward(where: string, x: Tensor): Tensor {
    const out = this.model.forward(x);
    if (!(out instanceof Tensor)) throw typeError(where, 'the model to return a Tensor', 'model.forward(x)', out);
    return out;
  }

  private lossOf(where: string, out: Tensor, y: Tensor): Tensor {
    const loss = this.lossFn(out, y);
    if (!(loss instanceof Tensor)) throw typeError(where, 'the loss to return a Tensor', 'loss(output, target)', loss);
    if (loss.numel !== 1) throw rangeError(where, 'the loss to return a one-element Tensor', 'loss(output, target)', loss);
    return loss;
  }

  /** One optimisation step on a batch; returns the data loss and the number correct. */
  private trainStep(where: string, x: Tensor, y: Tensor): { loss: number; correct: number } {
    this.optimizer.zeroGrad();
    const out = this.forward(where, x);
    const dataLoss = this.lossOf(where, out, y);
    let total = dataLoss;
    if (this.l1 > 0) total = total.add(l1(this.penalized()).mul(this.l1));
    if (this.l2 > 0) total = total.add(l2(this.penalized()).mul(this.l2));
    total.backward();
    if (this.clipGradNorm !== null) clipGradNorm(this.model.parameters(), this.clipGradNorm);
    this.optimizer.step();
    return { loss: dataLoss.item(), correct: this.metrics.length ? countCorrect(where, out, y) : 0 };
  }

  /** Loss and metrics of one batch without gradients (the caller sets eval mode). */
  private evalStep(where: string, x: Tensor, y: Tensor, meter: Meter): void {
    noGrad(() => {
      const out = this.forward(where, x);
      const loss = this.lossOf(where, out, y).item();
      meter.add(loss, batchSize(x), this.metrics.length ? countCorrect(where, out, y) : 0);
    });
  }

  /**
   * Trains for `epochs` epochs and returns the history. Between batches it yields to the
   * event loop (timers, requests and I/O run) and checks `signal`; an abort ends training
   * between two steps, never inside one, without taking another batch from the loader, and
   * fit resolves with the epochs whose training finished (one aborted during its validation
   * is recorded without val_ metrics, and the scheduler steps for it). Model, optimiser and
   * scheduler are then where a second fit resumes as an uninterrupted run would.
   * Validation (when given) runs after each epoch in eval mode without gradients. The
   * model's training mode is restored at the end.
   * @param trainLoader a DataLoader, or any iterable of [input, target] Tensor batches
   * @param opts `{ epochs, validation?, callbacks = [], progress = true, signal? }`: progress
   *   shows a bar on a terminal and one line per epoch otherwise (on stderr), false for
   *   silence, or a stream to write to
   * @returns per-epoch logs (loss, metrics, val_loss and val_ metrics, lr) and their series
   * @throws {TypeError} (as a rejection) for a trainLoader or validation that is not
   *   iterable, bad or unknown options, a batch that is not [Tensor, Tensor], or a model or
   *   loss that does not return a Tensor.
   * @throws {RangeError} (as a rejection) for epochs not an integer >= 1, a loss with more
   *   than one element, or a loader that yields no batch.
   * @throws {Error} (as a rejection) when another fit is running on this Trainer; and
   *   whatever the model, loss or a callback throws.
   * @example const history = await trainer.fit(train, { epochs: 10, validation: val, signal: controller.signal });
   */
  async fit(trainLoader: Batches | AsyncBatches, opts: FitOptions): Promise<History> {
    expectArity('Trainer.fit', arguments, 1, true);
    const where = 'Trainer.fit';
    if (this.running) throw new Error(`${where}: expected one fit at a time on a Trainer, got a call while another is running`);
    const loader = checkBatches(where, 'trainLoader', trainLoader);
    if (opts === undefined) throw typeError(where, 'an options object with epochs', 'options', opts);
    const o = checkOptions(where, opts, FIT_OPTIONS);
    const epochs = checkInt(where, 'epochs', o.epochs, 1);
    const validation = o.validation === undefined ? null : checkBatches(where, 'validation', o.validation);
    const callbacks = checkCallbacks(where, o.callbacks ?? []);
    const progressOption = o.progress ?? true;
    if (typeof progressOption !== 'boolean' && (progressOption === null || typeof progressOption !== 'object' || typeof progressOption.write !== 'function')) {
      throw typeError(where, 'a boolean or a stream', 'progress', progressOption);
    }
    const signal = o.signal;
    if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
      throw typeError(where, 'an AbortSignal', 'signal', signal);
    }

    const history: History = { epochs: [], loss: [], lr: [], stopReason: 'completed' };
    const progress: Progress = makeProgress(progressOption);
    const wasTraining = this.model.training;
    const call = async (hook: (typeof CALLBACK_HOOKS)[number], ...args: unknown[]) => {
      for (const cb of callbacks) {
        const fn = cb[hook] as ((...a: unknown[]) => unknown) | undefined;
        if (fn) await fn.apply(cb, [...args, this]);
      }
    };
    this.running = true;
    this.stopTraining = false;
    try {
      await call('onTrainBegin');
      for (let epoch = 0; epoch < epochs; epoch++) {
        if (signal?.aborted) {
          history.stopReason = 'aborted';
          break;
        }
        const lr = this.lr();
        await call('onEpochBegin', epoch);
        const started = performance.now();
        progress.epochBegin(epoch, epochs, typeof loader.length === 'number' ? loader.length : undefined);
        this.model.train();
        const meter = new Meter(this.metrics);
        let index = 0;
        // The signal is checked before each batch is taken from the loader (after the yield,
        // where an abort arrives), never after: a batch pulled from a streaming loader and
        // then dropped would be lost to the run that resumes. An async loader's next batch is
        // awaited only here, once the previous step is done, so a stream is never read ahead.
        const batches = signal?.aborted ? null : batchIterator(loader);
        let finished = batches === null;
        try {
          while (!finished) {
            let next = batches!.next();
            if (isThenable(next)) next = await next;
            if (next.done) {
              finished = true;
              break;
            }
            const [x, y] = checkBatch(where, next.value, index);
            const { loss, correct } = this.trainStep(where, x, y);
            const size = batchSize(x);
            meter.add(loss, size, correct);
            progress.batch(index + 1, meter.loss, meter.samples / ((performance.now() - started) / 1000));
            const logs: BatchLogs = { epoch, batch: index, loss, size };
            await call('onBatchEnd', index, logs);
            index++;
            await yieldToEventLoop();
            if (signal?.aborted) break;
          }
        } finally {
          if (!finished) await closeBatches(batches!);
        }
        if (signal?.aborted) {
          history.stopReason = 'aborted';
          break;
        }
        if (meter.batches === 0) throw emptyLoader(where, 'trainLoader');
        const logs = { epoch, ...meter.result() } as EpochLogs;
        const val = validation ? await this.evaluateAsync(where, validation, signal) : null;
        if (val) Object.assign(logs, val.result('val_'));
        if (lr !== undefined) logs.lr = lr;
        // The epoch's training is done even when its validation was aborted: the scheduler
        // steps and the epoch is recorded (without val_ metrics), so a resumed run follows
        // the same schedule as an uninterrupted one.
        if (this.scheduler instanceof ReduceLROnPlateau) {
          // A plateau scheduler monitors the epoch's validation loss (the training loss
          // without validation); an epoch whose validation was aborted has no metric to judge.
          if (!validation) this.scheduler.step(logs.loss);
          else if (val) this.scheduler.step(logs.val_loss as number);
        } else {
          this.scheduler?.step();
        }
        record(history, logs);
        const seconds = (performance.now() - started) / 1000;
        progress.epochEnd(logs, seconds, meter.samples / seconds);
        if (validation && val === null) {
          // Callbacks are not told of an epoch whose validation did not finish: they may
          // monitor its val_ metrics.
          history.stopReason = 'aborted';
          break;
        }
        await call('onEpochEnd', epoch, logs);
        if (this.stopTraining) {
          history.stopReason = 'stopped';
          break;
        }
      }
    } finally {
      progress.close();
      this.model.train(wasTraining);
      this.running = false;
    }
    await call('onTrainEnd', history);
    return history;
  }

  /** Validation inside fit: like evaluate, but yielding between batches; null when aborted. */
  private async evaluateAsync(where: string, loader: Batches | AsyncBatches, signal: AbortSignalLike | undefined): Promise<Meter | null> {
    const meter = new Meter(this.metrics);
    this.model.eval();
    let index = 0;
    if (signal?.aborted) return null;
    const batches = batchIterator(loader);
    let finished = false;
    try {
      while (!finished) {
        let next = batches.next();
        if (isThenable(next)) next = await next;
        if (next.done) {
          finished = true;
          break;
        }
        const [x, y] = checkBatch(where, next.value, index++);
        this.evalStep(where, x, y, meter);
        await yieldToEventLoop();
        if (signal?.aborted) return null;
      }
    } finally {
      if (!finished) await closeBatches(batches);
    }
    if (signal?.aborted) return null;
    if (meter.batches === 0) throw emptyLoader(where, 'validation');
    return meter;
  }

  /**
   * The mean loss (and metrics) over a loader's samples, in eval mode without gradients;
   * the model's mode is restored afterwards.
   * @param loader a DataLoader, or any iterable of [input, target] Tensor batches
   * @returns `{ loss, accuracy? }`
   * @throws {TypeError} for a loader that is not iterable, a batch that is not [Tensor, Tensor],
   *   or a model or loss that does not return a Tensor.
   * @throws {RangeError} for a loader that yields no batch, or a loss with more than one element.
   * @example const { loss, accuracy } = trainer.evaluate(testLoader);
   */
  evaluate(loader: Batches): EvalResult;
  /**
   * The mean loss (and metrics) over an asynchronous loader's samples (a data.AsyncDataLoader),
   * as a Promise; batches are pulled one at a time, yielding to the event loop between them.
   * @param loader an AsyncIterable of [input, target] Tensor batches
   * @returns a Promise of `{ loss, accuracy? }`
   * @throws (as a rejection) TypeError for a bad batch; RangeError for an empty loader.
   * @example const { loss } = await trainer.evaluate(new data.AsyncDataLoader(() => rows(), { batchSize: 64 }));
   */
  evaluate(loader: AsyncBatches): Promise<EvalResult>;
  evaluate(loader: Batches | AsyncBatches): EvalResult | Promise<EvalResult> {
    expectArity('Trainer.evaluate', arguments, 1);
    const where = 'Trainer.evaluate';
    checkBatches(where, 'loader', loader);
    if (!isSync(loader)) return this.evaluateStream(where, loader);
    const meter = new Meter(this.metrics);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      let index = 0;
      for (const batch of loader) {
        const [x, y] = checkBatch(where, batch, index++);
        this.evalStep(where, x, y, meter);
      }
    } finally {
      this.model.train(wasTraining);
    }
    if (meter.batches === 0) throw emptyLoader(where, 'loader');
    return meter.result() as unknown as EvalResult;
  }

  /** evaluate over an async loader: evaluateAsync without a signal, restoring the model's mode. */
  private async evaluateStream(where: string, loader: AsyncBatches): Promise<EvalResult> {
    const wasTraining = this.model.training;
    let meter: Meter | null;
    try {
      meter = await this.evaluateAsync(where, loader, undefined);
    } finally {
      this.model.train(wasTraining);
    }
    return meter!.result() as unknown as EvalResult;
  }

  /**
   * The model's output for `x`, in eval mode without gradients; the model's mode is restored.
   * @throws {TypeError} when x is not a Tensor or the model does not return one.
   * @example const classes = trainer.predict(x).argmax(1);
   */
  predict(x: Tensor): Tensor {
    expectArity('Trainer.predict', arguments, 1);
    const where = 'Trainer.predict';
    if (!(x instanceof Tensor)) throw typeError(where, 'a Tensor', 'x', x);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      return noGrad(() => this.forward(where, x));
    } finally {
      this.model.train(wasTraining);
    }
  }

  /**
   * The model, the optimiser and the options that are set.
   * @example String(trainer); // 'Trainer(Sequential, Adam, metrics=[accuracy])'
   */
  toString(): string {
    const extras = [this.metrics.length ? `metrics=[${this.metrics.join(', ')}]` : '', this.clipGradNorm ? `clipGradNorm=${this.clipGradNorm}` : '', this.l1 ? `l1=${this.l1}` : '', this.l2 ? `l2=${this.l2}` : ''];
    return `Trainer(${[describe(this.model).replace(/^an? /, ''), describe(this.optimizer).replace(/^an? /, ''), ...extras].filter(Boolean).join(', ')})`;
  }
}

/** An empty loader would make the epoch's mean loss NaN: say so instead. */
function emptyLoader(where: string, name: string): RangeError {
  return rangeErrorText(where, 'at least one batch', name, 'none');
}

function batchSize(x: Tensor): number {
  return x.ndim === 0 ? 1 : x.shape[0];
}

function record(history: History, logs: EpochLogs): void {
  history.epochs.push(logs);
  for (const [key, value] of Object.entries(logs)) {
    if (key === 'epoch' || value === undefined) continue;
    const h = history as unknown as Record<string, number[]>;
    (h[key] ??= []).push(value);
  }
}

function checkPenalty(where: string, name: string, v: unknown): number {
  if (v === undefined) return 0;
  const x = checkNumber(where, name, v);
  if (x < 0) throw rangeError(where, 'a non-negative number', name, x);
  return x;
}

function lossFunction(where: string, loss: LossLike | undefined): (output: Tensor, target: Tensor) => Tensor {
  if (isClass(loss)) {
    throw typeError(where, `a loss instance or function (did you mean new ${(loss as { name: string }).name}()?)`, 'loss', loss);
  }
  if (typeof loss === 'function') return loss;
  if (loss !== null && typeof loss === 'object' && typeof loss.forward === 'function') return (o, t) => loss.forward(o, t);
  throw typeError(where, 'a loss (a Module with forward(output, target), or a function)', 'loss', loss);
}

function checkCallbacks(where: string, callbacks: unknown): Callback[] {
  if (!Array.isArray(callbacks)) throw typeError(where, 'an array of callbacks', 'callbacks', callbacks);
  callbacks.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw typeError(where, 'a callback object', `callbacks[${i}]`, cb);
    for (const hook of CALLBACK_HOOKS) {
      const fn = (cb as Record<string, unknown>)[hook];
      if (fn !== undefined && typeof fn !== 'function') throw typeError(where, 'a function', `callbacks[${i}].${hook}`, fn);
    }
  });
  return callbacks as Callback[];
}
