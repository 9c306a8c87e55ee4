// kiln.nn.functional: PyTorch's required arguments positionally, its optional ones in a
// trailing options object with PyTorch's defaults.
export { linear } from './linear';
export { relu, leakyRelu, sigmoid, tanh, gelu, selu, softmax, logSoftmax } from './activation';
export { crossEntropy, mseLoss, l1Loss, binaryCrossEntropyWithLogits } from './loss';
export { binaryCrossEntropy, huberLoss, smoothL1Loss, klDiv, cosineEmbeddingLoss } from './loss';
export type { Reduction, Targets, CrossEntropyOptions, BCEWithLogitsOptions } from './loss';
export type { BCEOptions, HuberOptions, SmoothL1Options, KLDivReduction, KLDivOptions, CosineEmbeddingOptions } from './loss';
export { dropout, dropout1d, dropout2d } from './dropout';
export type { DropoutOptions } from './dropout';
export { batchNorm } from './batchnorm';
export { layerNorm } from './layernorm';
export { rmsNorm } from './rmsnorm';
export { conv2d } from './conv';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d } from './pooling';
export { embedding } from './embedding';
export type { EmbeddingOptions } from './embedding';
export type { IndexInput } from './indices';
export { conv1d, maxPool1d, avgPool1d } from './conv1d';
export type { SingleLike, Conv1dOptions, Pool1dOptions, AvgPool1dOptions } from './conv1d';
export { nllLoss } from './loss';
export type { NLLLossOptions } from './loss';
