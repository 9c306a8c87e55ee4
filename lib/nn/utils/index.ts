// kiln.nn.utils: training utilities, as torch.nn.utils.
export { clipGradNorm, clipGradValue } from './clip_grad';
export { parametersToVector, vectorToParameters } from './convert';
export { rnnInitRecipe } from './rnn_init';
export type { RnnInitOptions } from './rnn_init';
