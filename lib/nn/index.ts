// kiln.nn: modules, functional ops, init, utilities.
export { Module, stateName } from './module';
export type { LoadResult } from './module';
export { Parameter, Buffer } from './parameter';
export { Linear } from './linear';
export { Sequential } from './sequential';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SELU, Softmax } from './activation';
export { Flatten, Unflatten } from './flatten';
export { Dropout, Dropout1d, Dropout2d } from './dropout';
export * as init from './init';
export * as regularization from './regularization';
export * as functional from './functional';
export { CrossEntropyLoss, MSELoss, L1Loss, BCEWithLogitsLoss, BCELoss, HuberLoss, SmoothL1Loss, KLDivLoss, CosineEmbeddingLoss } from './loss';
export * as utils from './utils';
export { BatchNorm1d, BatchNorm2d } from './batchnorm';
export type { BatchNormOptions } from './batchnorm';
export { LayerNorm, RMSNorm } from './layernorm';
export { Conv2d } from './conv';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pooling';
