// kiln.optim: optimisers, parameter groups and learning-rate schedulers.
export { Optimizer } from './optimizer';
export type { BaseOptions, ParamGroup, ParamGroupInput, ParamState, Params, OptimizerStateDict } from './optimizer';
export type { OptionsCheck } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam } from './adam';
export type { AdamOptions } from './adam';
export { AdamW } from './adamw';
export { paramGroupsWithDecay } from './param_groups';
export type { DecayGroup } from './param_groups';
export * as lrScheduler from './lr_scheduler';
