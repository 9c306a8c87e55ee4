// kiln.nn.utils: training utilities, as torch.nn.utils.
export { clipGradNorm } from './clip_grad';
