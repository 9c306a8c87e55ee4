// The training loop and its callbacks.
export { Trainer } from './trainer';
export * as callbacks from './callbacks';
export type { Callback, EpochLogs, BatchLogs, History, EvalResult, TrainerOptions, FitOptions, OptimizerLike, LossLike, SchedulerLike, ProgressStream, MetricName, Batches, AsyncBatches, AbortSignalLike } from './types';
