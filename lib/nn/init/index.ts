// kiln.nn.init: weight initialisation as torch.nn.init, plus the initialisation inspector
// (it lives in nn/utils/, above the layers it inspects; nn.init.inspect is its public name).
// Each initialiser fills its tensor in place without recording gradients and returns it.
export { calculateGain } from './gain';
export type { Nonlinearity } from './gain';
export { uniform, normal, truncNormal, constant, zeros, ones, eye } from './fill';
export type { RandomInitOptions, TruncNormalOptions } from './fill';
export { xavierUniform, xavierNormal, kaimingUniform, kaimingNormal } from './scaled';
export type { XavierOptions, KaimingOptions } from './scaled';
export type { FanMode } from './fans';
export { orthogonal } from './orthogonal';
export { orthogonalBlocks } from './blocks';
export { dirac, sparse } from './structured';
export type { SparseOptions } from './structured';
export type { OrthogonalOptions } from './orthogonal';
export { inspect, InitReport, SIGMOID_SATURATION, TANH_SATURATION } from '../utils/inspect';
export type { InspectOptions, LayerStats, ParamStats } from '../utils/inspect';
