// kiln.nn.functional: PyTorch's required arguments positionally, its optional ones in a
// trailing options object with PyTorch's defaults.
export { linear } from './linear';
export type { LinearOptions } from './linear';
export { relu, leakyRelu, sigmoid, tanh, gelu, selu, softmax, logSoftmax } from './activation';
export type { LeakyReluOptions, GeluOptions } from './activation';
export { crossEntropy, mseLoss, l1Loss, binaryCrossEntropyWithLogits } from './loss';
export { binaryCrossEntropy, huberLoss, smoothL1Loss, klDiv, cosineEmbeddingLoss } from './loss';
export type { Reduction, Targets, CrossEntropyOptions, BCEWithLogitsOptions } from './loss';
export type { BCEOptions, HuberOptions, SmoothL1Options, KLDivReduction, KLDivOptions, CosineEmbeddingOptions } from './loss';
export { dropout, dropout1d, dropout2d } from './dropout';
export type { DropoutOptions } from './dropout';
export { batchNorm } from './batchnorm';
export type { BatchNormOptions } from './batchnorm';
export { layerNorm } from './layernorm';
export type { LayerNormOptions } from './layernorm';
export { rmsNorm } from './rmsnorm';
export type { RMSNormOptions } from './rmsnorm';
export { conv2d } from './conv';
export type { Conv2dOptions } from './conv';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d } from './pooling';
export type { Pool2dOptions, AvgPool2dOptions } from './pooling';
export type { Pair, PairLike } from './window';
export { scaledDotProductAttention } from './attention';
export type { ScaledDotProductAttentionOptions } from './attention';
