// L1 and L2 penalties for the Trainer's l1/l2 options, built from tensor ops so gradients
// flow. Same signature as nn.regularization.l1/l2: when that lands, trainer.ts imports
// those instead (one line).
import { Tensor, zeros } from '../tensor';

function total(parameters: Tensor[], term: (p: Tensor) => Tensor): Tensor {
  let sum: Tensor = zeros([]);
  for (const p of parameters) sum = sum.add(term(p));
  return sum;
}

/** sum |w| over the given parameters, a differentiable scalar. */
export function l1(parameters: Tensor[]): Tensor {
  return total(parameters, (p) => p.abs().sum());
}

/** sum w^2 over the given parameters, a differentiable scalar. */
export function l2(parameters: Tensor[]): Tensor {
  return total(parameters, (p) => p.pow(2).sum());
}
