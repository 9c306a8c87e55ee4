// torch.nn.utils.parameters_to_vector / vector_to_parameters: all parameters as one flat
// vector (for second-order methods, evolution strategies, weight averaging) and back.
import { Tensor, fromOp, checkTensor } from '../../tensor';
import { formatShape } from '../../shape';
import { tensorList } from './clip_grad';
import { shapeError } from '../../errors';

/**
 * Concatenates the parameters, each flattened, into one vector, as
 * torch.nn.utils.parameters_to_vector. The result is a new Tensor, differentiable: its
 * gradient flows back to each parameter's slice.
 * @param parameters a Tensor or an iterable of Tensors (`model.parameters()`)
 * @returns a Tensor of shape [sum of the parameters' numel]
 * @throws TypeError for parameters that are not Tensors.
 * @example const flat = nn.utils.parametersToVector(model.parameters());
 */
export function parametersToVector(parameters: Tensor | Iterable<Tensor>): Tensor {
  const list = tensorList('parametersToVector', parameters);
  const total = list.reduce((s, t) => s + t.numel, 0);
  const out = new Float32Array(total);
  let off = 0;
  for (const t of list) {
    out.set(t.data, off);
    off += t.numel;
  }
  return fromOp(out, [total], list, 'parametersToVector', (g) => {
    let at = 0;
    return list.map((t) => {
      const slice = g.slice(at, at + t.numel);
      at += t.numel;
      return slice;
    });
  });
}

/**
 * Copies consecutive slices of `vec` into the parameters' data, in place and without
 * recording gradients, as torch.nn.utils.vector_to_parameters. `vec` must hold exactly as
 * many elements as the parameters together (torch ignores a surplus; here it is an error).
 * @param vec a 1-D Tensor, as `parametersToVector` gives
 * @param parameters a Tensor or an iterable of Tensors (`model.parameters()`)
 * @throws TypeError for a vec or parameters that are not Tensors; RangeError for a vec that is not 1-D or whose length is not the parameters' total numel.
 * @example nn.utils.vectorToParameters(flat.mul(0.5), model.parameters());
 */
export function vectorToParameters(vec: Tensor, parameters: Tensor | Iterable<Tensor>): void {
  const where = 'vectorToParameters';
  checkTensor(where, 'vec', vec);
  const list = tensorList(where, parameters);
  const total = list.reduce((s, t) => s + t.numel, 0);
  if (vec.ndim !== 1 || vec.numel !== total) {
    throw shapeError(where, `a 1-D Tensor of shape [${total}] (the parameters' total numel)`, 'vec', vec.shape);
  }
  // A parameter may share vec's buffer (the same tensor passed twice): read from a copy.
  const src = vec.data.slice();
  let off = 0;
  for (const t of list) {
    t.data.set(src.subarray(off, off + t.numel));
    off += t.numel;
  }
}
