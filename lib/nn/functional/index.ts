// kiln.nn.functional: PyTorch's required arguments positionally, its optional ones in a
// trailing options object with PyTorch's defaults.
export { linear } from './linear';
export { relu, leakyRelu, sigmoid, tanh, gelu, selu, softmax, logSoftmax } from './activation';
export { crossEntropy, mseLoss, l1Loss, binaryCrossEntropyWithLogits } from './loss';
export type { Reduction, Targets, CrossEntropyOptions, BCEWithLogitsOptions } from './loss';
export { dropout, dropout1d, dropout2d } from './dropout';
export type { DropoutOptions } from './dropout';
export { batchNorm } from './batchnorm';
export { layerNorm } from './layernorm';
export { rmsNorm } from './rmsnorm';
export { conv2d } from './conv';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d } from './pooling';
export { oneHot } from './one_hot';
