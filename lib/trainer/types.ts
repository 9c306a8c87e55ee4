// The shapes the Trainer works with: what it needs of an optimiser, loss and scheduler (the
// interfaces of kiln.optim and kiln.nn, so any object with these members works), and what
// it reports (logs, history) to callbacks and to the caller.
import { Tensor } from '../tensor';
import type { Trainer } from './trainer';

/** An optimiser as kiln.optim's: zeroGrad(), step(), and live param groups with an lr. */
export interface OptimizerLike {
  zeroGrad(): void;
  step(): void;
  paramGroups: { lr?: number; [key: string]: unknown }[];
}

/** A loss: a Module such as nn.CrossEntropyLoss (forward(output, target)), or a function. */
export type LossLike = { forward(output: Tensor, target: Tensor): Tensor } | ((output: Tensor, target: Tensor) => Tensor);

/**
 * A learning-rate scheduler as kiln.optim.lrScheduler's; stepped once per epoch (a
 * ReduceLROnPlateau with the epoch's validation loss, or training loss without validation).
 */
export interface SchedulerLike {
  /** Advances one epoch; `metric` is given to a ReduceLROnPlateau only. */
  step(metric?: number | Tensor): void;
}

/** The metrics the Trainer computes besides the loss. */
export type MetricName = 'accuracy';

/** Where progress goes: a stream such as process.stderr (a progress bar when isTTY, else lines). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface TrainerOptions {
  optimizer: OptimizerLike;
  loss: LossLike;
  metrics?: MetricName[];
  scheduler?: SchedulerLike;
  /** Clip the gradients' total L2 norm to this before each step. */
  clipGradNorm?: number;
  /** Add l1 * sum |w| over the weights (parameters with 2+ dimensions) to the loss. */
  l1?: number;
  /** Add l2 * sum w^2 over the weights (parameters with 2+ dimensions) to the loss. */
  l2?: number;
}

/** Anything that yields [input, target] batches: a DataLoader, an array of pairs, a generator. */
export type Batches = Iterable<[Tensor, Tensor]> & { length?: number };

/**
 * What fit reads of an AbortSignal. Declared here so kiln's types need no DOM or Node
 * typings; a real AbortSignal fits it.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

export interface FitOptions {
  epochs: number;
  validation?: Batches;
  callbacks?: Callback[];
  /** true: a bar on a terminal, lines per epoch otherwise (to stderr); false: silent; or a stream. */
  progress?: boolean | ProgressStream;
  /** Stops training between batches; fit then resolves with the epochs that finished. */
  signal?: AbortSignalLike;
}

/** What one epoch reports; keys follow Keras (val_ prefix for the validation loader). */
export interface EpochLogs {
  /** 0-based. */
  epoch: number;
  /** Mean data loss over the epoch's samples (penalties excluded, so it compares with val_loss). */
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  /** The first param group's learning rate during the epoch (before scheduler.step()). */
  lr?: number;
  [key: string]: number | undefined;
}

export interface BatchLogs {
  epoch: number;
  batch: number;
  /** This batch's data loss. */
  loss: number;
  /** Samples in this batch. */
  size: number;
}

/** What fit returns: each finished epoch's logs, and the same values as series. */
export interface History {
  epochs: EpochLogs[];
  loss: number[];
  lr: number[];
  accuracy?: number[];
  val_loss?: number[];
  val_accuracy?: number[];
  /** Why training ended: all epochs ran, a callback stopped it, or the signal aborted it. */
  stopReason: 'completed' | 'stopped' | 'aborted';
}

/** The result of evaluate: mean loss over the samples, and the metrics. */
export interface EvalResult {
  loss: number;
  accuracy?: number;
}

/**
 * Hooks called during fit, each optional and awaited when it returns a Promise. A hook can
 * end training after the current epoch with `trainer.stopTraining = true`.
 */
export interface Callback {
  onTrainBegin?(trainer: Trainer): unknown;
  onEpochBegin?(epoch: number, trainer: Trainer): unknown;
  onBatchEnd?(batch: number, logs: BatchLogs, trainer: Trainer): unknown;
  onEpochEnd?(epoch: number, logs: EpochLogs, trainer: Trainer): unknown;
  onTrainEnd?(history: History, trainer: Trainer): unknown;
}

export const CALLBACK_HOOKS = ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;
