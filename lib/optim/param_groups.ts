// Parameter groups for weight decay, by nanoGPT's rule (Karpathy, nanoGPT model.py,
// configure_optimizers): matrices (embeddings, linear and conv weights) decay; vectors
// (biases, LayerNorm/BatchNorm weights) do not.
import { Tensor } from '../tensor';
import { Module } from '../nn/module';
import { checkNonNegative, typeError } from '../errors';

/**
 * A parameter group: tensors plus the weight decay that applies to them.
 * @example const [decayed, exempt]: kiln.optim.DecayGroup[] = kiln.optim.paramGroupsWithDecay(model, 0.1);
 */
export type DecayGroup = {
  /** The group's tensors. */
  params: Tensor[];
  /** The weight decay of this group (0 for the exempt one). */
  weightDecay: number;
};

/**
 * Splits parameters into two groups: those with 2 or more dimensions get `weightDecay`, the
 * rest (biases, norm weights) get 0. Only parameters that require grad are included. Group 0
 * is the decayed one, group 1 the other, even when one is empty.
 * @param model a Module, or an iterable of tensors
 * @param weightDecay the decay of the matrices (>= 0)
 * @returns `[decayed, exempt]`
 * @throws {TypeError} for a model that is neither, an element that is not a Tensor, or a non-number weightDecay.
 * @throws {RangeError} for a negative or non-finite weightDecay.
 * @example const opt = new kiln.optim.AdamW(kiln.optim.paramGroupsWithDecay(model, 0.1), { lr: 6e-4 });
 */
export function paramGroupsWithDecay(model: Module | Iterable<Tensor>, weightDecay: number): [DecayGroup, DecayGroup] {
  const where = 'paramGroupsWithDecay';
  checkNonNegative(where, 'weightDecay', weightDecay);
  let params: unknown[];
  if (model instanceof Module) params = model.parameters();
  else if (model !== null && typeof model === 'object' && Symbol.iterator in model) params = Array.from(model as Iterable<unknown>);
  else throw typeError(where, 'a Module or an iterable of Tensors', 'model', model);
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw typeError(where, 'a Tensor', `model[${i}]`, p);
    if (!p.requiresGrad) return;
    (p.ndim >= 2 ? decay : noDecay).push(p);
  });
  return [
    { params: decay, weightDecay },
    { params: noDecay, weightDecay: 0 },
  ];
}
