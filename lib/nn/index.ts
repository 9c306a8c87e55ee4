// kiln.nn: modules, functional ops, init, utilities.
export { Module, stateName } from './module';
export type { LoadResult } from './module';
export { Parameter, Buffer } from './parameter';
export { Linear } from './linear';
export { Sequential } from './sequential';
export { ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SELU, Softmax } from './activation';
export { Flatten } from './flatten';
export * as functional from './functional';
export { Conv2d } from './conv';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './pooling';
