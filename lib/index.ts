// kiln: deep-learning training for Node.js. The public surface is ../shared/API.md.
export { Tensor, tensor, zeros, ones, full, arange, eye, noGrad, isGradEnabled, setGradEnabled } from './tensor';
export type { TensorOptions, GradFn } from './tensor';
export type { Nested } from './tensor';
export { Generator, manualSeed, defaultGenerator, randn, rand } from './random';
export type { RandomOptions } from './random';
export { setNumThreads, getNumThreads, backendInfo } from './backend';
export type { BackendInfo } from './backend';
export * as nn from './nn';
export * as data from './data';
export { save, load } from './io';
export { Trainer, callbacks } from './trainer';
export type { Callback, EpochLogs, BatchLogs, History, EvalResult, TrainerOptions, FitOptions } from './trainer';
export type { OptimizerLike, LossLike, SchedulerLike, ProgressStream, MetricName, Batches, AbortSignalLike } from './trainer';
export * as optim from './optim';
