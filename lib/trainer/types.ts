// The shapes the Trainer works with: what it needs of an optimiser, loss and scheduler (the
// interfaces of kiln.optim and kiln.nn, so any object with these members works), and what
// it reports (logs, history) to callbacks and to the caller.
import { Tensor } from '../tensor';
import type { Trainer } from './trainer';

/**
 * An optimiser as kiln.optim's: zeroGrad(), step(), and live param groups with an lr.
 * @example const opt: kiln.OptimizerLike = new kiln.optim.SGD(model.parameters(), { lr: 0.1 });
 */
export interface OptimizerLike {
  /** Clears the parameters' gradients; called before each batch's forward pass. */
  zeroGrad(): void;
  /** Updates the parameters from their gradients; called after backward (and clipping). */
  step(): void;
  /** The groups; the first group's lr is logged per epoch. */
  paramGroups: {
    /** The group's learning rate. */
    lr?: number;
    [key: string]: unknown;
  }[];
}

/**
 * A loss: a Module such as nn.CrossEntropyLoss (forward(output, target)), or a function;
 * either returns a one-element tensor.
 * @example const loss: kiln.LossLike = (out, y) => out.sub(y).pow(2).mean();
 */
export type LossLike =
  | {
      /** The loss of a batch: the model's output against the targets. */
      forward(output: Tensor, target: Tensor): Tensor;
    }
  | ((output: Tensor, target: Tensor) => Tensor);

/**
 * A learning-rate scheduler as kiln.optim.lrScheduler's; stepped once per epoch (a
 * ReduceLROnPlateau with the epoch's validation loss, or training loss without validation).
 * @example const sched: kiln.SchedulerLike = new kiln.optim.lrScheduler.StepLR(opt, { stepSize: 10 });
 */
export interface SchedulerLike {
  /** Advances one epoch; `metric` is given to a ReduceLROnPlateau only. */
  step(metric?: number | Tensor): void;
}

/**
 * The metrics the Trainer computes besides the loss. 'accuracy': the fraction of samples
 * whose argmax over (N, C) outputs (or logit > 0 for (N,) and (N, 1)) equals the class-index target.
 * @example new kiln.Trainer(model, { optimizer, loss, metrics: ['accuracy'] });
 */
export type MetricName = 'accuracy';

/**
 * Where progress goes: a stream such as process.stderr (a progress bar when isTTY, else lines).
 * @example await trainer.fit(train, { epochs: 5, progress: process.stdout });
 */
export interface ProgressStream {
  /** Writes text. */
  write(chunk: string): unknown;
  /** True for a terminal: a live bar instead of one line per epoch. */
  isTTY?: boolean;
  /** The terminal's width, for the bar. */
  columns?: number;
}

/**
 * Options of the {@link Trainer} constructor; unknown names are a TypeError.
 * @example
 * ```ts
 * new kiln.Trainer(model, {
 *   optimizer: new kiln.optim.AdamW(model.parameters(), { lr: 1e-3 }),
 *   loss: new kiln.nn.CrossEntropyLoss(),
 *   metrics: ['accuracy'],
 *   clipGradNorm: 1.0,
 * });
 * ```
 */
export interface TrainerOptions {
  /** The optimiser, e.g. a kiln.optim.Adam over `model.parameters()`; required. */
  optimizer: OptimizerLike;
  /** The loss Module or function; required. */
  loss: LossLike;
  /** Metrics to compute besides the loss. @defaultValue [] */
  metrics?: MetricName[];
  /** A scheduler stepped once per epoch. @defaultValue none */
  scheduler?: SchedulerLike;
  /** Clip the gradients' total L2 norm to this (> 0) before each step. @defaultValue no clipping */
  clipGradNorm?: number;
  /** Add l1 * sum |w| over the weights (parameters with 2+ dimensions) to the loss; >= 0. @defaultValue 0 */
  l1?: number;
  /** Add l2 * sum w^2 over the weights (parameters with 2+ dimensions) to the loss; >= 0. @defaultValue 0 */
  l2?: number;
}

/**
 * Anything that yields [input, target] batches: a DataLoader, an array of pairs, a generator.
 * @example await trainer.fit([[x, y]], { epochs: 100, progress: false });
 */
export type Batches = Iterable<[Tensor, Tensor]> & {
  /** The number of batches, when known (the progress bar shows it). */
  length?: number;
};

/**
 * An asynchronous stream of [input, target] batches, such as a data.AsyncDataLoader over rows
 * of a database: fit and evaluate take each batch only when they are ready for it.
 * @example await trainer.fit(new kiln.data.AsyncDataLoader(() => rows(), { batchSize: 32 }), { epochs: 3, validation: valLoader, progress: false });
 */
export type AsyncBatches = AsyncIterable<[Tensor, Tensor]> & {
  /** The number of batches, when known (the progress bar shows it). */
  length?: number;
};

/**
 * What fit reads of an AbortSignal. Declared here so kiln's types need no DOM or Node
 * typings; a real AbortSignal fits it.
 * @example const controller = new AbortController(); trainer.fit(train, { epochs: 10, signal: controller.signal });
 */
export interface AbortSignalLike {
  /** True once training should stop. */
  readonly aborted: boolean;
}

/**
 * Options of {@link Trainer.fit}; unknown names are a TypeError.
 * @example await trainer.fit(train, { epochs: 20, validation: val, callbacks: [kiln.callbacks.earlyStopping({ patience: 3 })], progress: false });
 */
export interface FitOptions {
  /** The number of epochs, an integer >= 1; required. */
  epochs: number;
  /** Batches to evaluate after each epoch (val_loss and val_ metrics). @defaultValue none */
  validation?: Batches | AsyncBatches;
  /** Hooks called during training. @defaultValue [] */
  callbacks?: Callback[];
  /** true: a bar on a terminal, lines per epoch otherwise (to stderr); false: silent; or a stream. @defaultValue true */
  progress?: boolean | ProgressStream;
  /** Stops training between batches; fit then resolves with the epochs that finished. @defaultValue none */
  signal?: AbortSignalLike;
}

/**
 * What one epoch reports; keys follow Keras (val_ prefix for the validation loader).
 * @example { epoch: 0, loss: 0.41, accuracy: 0.88, val_loss: 0.39, val_accuracy: 0.89, lr: 0.001 }
 */
export interface EpochLogs {
  /** 0-based. */
  epoch: number;
  /** Mean data loss over the epoch's samples (penalties excluded, so it compares with val_loss). */
  loss: number;
  /** Training accuracy over the epoch's samples, with metrics ['accuracy']. */
  accuracy?: number;
  /** Mean loss over the validation samples, when fit has validation. */
  val_loss?: number;
  /** Validation accuracy, with validation and metrics ['accuracy']. */
  val_accuracy?: number;
  /** The first param group's learning rate during the epoch (before scheduler.step()). */
  lr?: number;
  [key: string]: number | undefined;
}

/**
 * What one training batch reports to {@link Callback.onBatchEnd}.
 * @example { epoch: 0, batch: 12, loss: 0.52, size: 64 }
 */
export interface BatchLogs {
  /** The epoch, 0-based. */
  epoch: number;
  /** The batch within the epoch, 0-based. */
  batch: number;
  /** This batch's data loss. */
  loss: number;
  /** Samples in this batch. */
  size: number;
}

/**
 * What fit returns: each finished epoch's logs, and the same values as series.
 * @example const { loss, val_loss, stopReason } = await trainer.fit(train, { epochs: 10, validation: val });
 */
export interface History {
  /** Each finished epoch's logs, in order. */
  epochs: EpochLogs[];
  /** The training loss of each epoch. */
  loss: number[];
  /** The learning rate of each epoch (empty when the optimiser's groups have no lr). */
  lr: number[];
  /** The training accuracy of each epoch, with metrics ['accuracy']. */
  accuracy?: number[];
  /** The validation loss of each epoch, with validation. */
  val_loss?: number[];
  /** The validation accuracy of each epoch, with validation and metrics ['accuracy']. */
  val_accuracy?: number[];
  /** Why training ended: all epochs ran, a callback stopped it, or the signal aborted it. */
  stopReason: 'completed' | 'stopped' | 'aborted';
}

/**
 * The result of evaluate: mean loss over the samples, and the metrics.
 * @example const { loss, accuracy } = trainer.evaluate(testLoader);
 */
export interface EvalResult {
  /** The mean loss over the samples (each batch weighted by its size). */
  loss: number;
  /** The fraction classified correctly, with metrics ['accuracy']. */
  accuracy?: number;
}

/**
 * Hooks called during fit, each optional and awaited when it returns a Promise. A hook can
 * end training after the current epoch with `trainer.stopTraining = true`.
 * @example
 * ```ts
 * const logger: kiln.Callback = {
 *   onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss),
 * };
 * ```
 */
export interface Callback {
  /** Called once before the first epoch. */
  onTrainBegin?(trainer: Trainer): unknown;
  /** Called at the start of each epoch (0-based). */
  onEpochBegin?(epoch: number, trainer: Trainer): unknown;
  /** Called after each training batch's optimiser step. */
  onBatchEnd?(batch: number, logs: BatchLogs, trainer: Trainer): unknown;
  /** Called after each epoch's training and validation, with its logs. */
  onEpochEnd?(epoch: number, logs: EpochLogs, trainer: Trainer): unknown;
  /** Called once when training ends (completed, stopped or aborted), with the history. */
  onTrainEnd?(history: History, trainer: Trainer): unknown;
}

export const CALLBACK_HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;
