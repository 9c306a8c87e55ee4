// kiln.nn.utils: training utilities, as torch.nn.utils.
export { clipGradNorm, clipGradValue } from './clip_grad';
export { parametersToVector, vectorToParameters } from './convert';
