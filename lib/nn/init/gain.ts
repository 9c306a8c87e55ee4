// torch.nn.init.calculate_gain: the factor that keeps activations' variance steady through a
// nonlinearity.
import { checkChoice, rangeError, typeError } from '../../errors';
import { expectArity } from '../../options';

/** The nonlinearities calculateGain knows, named as in torch.nn.functional. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export const NONLINEARITIES: readonly Nonlinearity[] = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leaky_relu',
  'selu',
];

/** calculateGain with the caller's name in its errors (kaimingUniform validates through it). */
export function gainFor(where: string, nonlinearity: unknown, param?: unknown): number {
  const name = checkChoice(where, 'nonlinearity', nonlinearity, NONLINEARITIES);
  // param only matters for 'leaky_relu' (as PyTorch), but a non-number is a caller's mistake anywhere.
  if (param !== undefined && param !== null && typeof param !== 'number') throw typeError(where, 'a number (the negative slope)', 'param', param);
  switch (name) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      let slope = 0.01;
      if (param !== undefined && param !== null) {
        if (typeof param !== 'number') throw typeError(where, 'a number (the negative slope)', 'param', param);
        if (!Number.isFinite(param)) throw rangeError(where, 'a finite number (the negative slope)', 'param', param);
        slope = param;
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      // Found empirically by PyTorch (pytorch/pytorch#50664), not derived.
      return 3 / 4;
    default:
      return 1; // linear, the convolutions and sigmoid
  }
}

/**
 * The recommended gain for a nonlinearity, as torch.nn.init.calculate_gain:
 * 1 for 'linear', the convolutions and 'sigmoid'; 5/3 for 'tanh'; sqrt(2) for 'relu';
 * sqrt(2 / (1 + slope^2)) for 'leaky_relu'; 3/4 for 'selu'.
 * @param nonlinearity the function's name as in torch.nn.functional.
 * @param param [0.01] the negative slope, for 'leaky_relu' only (ignored otherwise).
 * @throws TypeError for a non-string name, a non-number param or a surplus argument; RangeError for an unknown
 *   name (the message lists the valid ones) or a non-finite param.
 * @example const w = nn.init.xavierUniform(weight, { gain: nn.init.calculateGain('tanh') });
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (arguments.length > 2) expectArity('calculateGain', arguments, 2);
  return gainFor('calculateGain', nonlinearity, param);
}
