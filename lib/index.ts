// kiln: deep-learning training for Node.js. The public surface is ../shared/API.md.
export { Tensor, tensor, zeros, ones, full, arange, eye, noGrad, isGradEnabled, setGradEnabled } from './tensor';
export type { TensorOptions, GradFn, TensorHook, TensorHookHandle } from './tensor';
export type { Nested } from './tensor';
export {
  cat, stack, where, clamp, minimum, maximum, eq, ne, lt, le, gt, ge, min, max, amax, amin, var, std, norm, cumsum, sort, argsort, topk,
  split, chunk, narrow, select, indexSelect, gather, scatter, scatterAdd, maskedFill, squeeze, unsqueeze, permute,
} from './functions';
export type { VarOptions, NormOrder } from './ops/stats';
export type { SortOptions, TopkOptions, ValuesIndices } from './ops/sort';
export type { Indices, NestedIndices } from './ops/common';
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
