// kiln.optim.lrScheduler: learning-rate schedulers after torch.optim.lr_scheduler (1.13), one
// file per family; the base (base.ts) holds the chainable step and the state dict.
export { LRScheduler } from './base';
export type { SchedulerStateDict, OptionSpec } from './base';
export { StepLR, MultiStepLR, ExponentialLR } from './step';
export { LinearLR } from './linear';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine';
export { LambdaLR } from './lambda';
export type { LrLambda } from './lambda';
export { OneCycleLR } from './one_cycle';
export type { OneCycleLROptions } from './one_cycle';
export { ReduceLROnPlateau } from './plateau';
export type { ReduceLROnPlateauOptions } from './plateau';
export { SequentialLR, ChainedScheduler } from './sequential';
