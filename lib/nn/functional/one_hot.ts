// one_hot: class indices to 0/1 rows.
import { Tensor } from '../../tensor';
import { MAX_NUMEL, checkShape } from '../../shape';
import { checkInt } from '../../errors';
import { Indices, indexArg } from '../../ops/common';
import { rangeErrorText } from '../../errors';

/**
 * One-hot rows of class indices, as torch.nn.functional.one_hot but float32 (kiln's tensors
 * are float32): shape [...input.shape, numClasses], 1 at each index, 0 elsewhere; no gradient.
 * @param input integer class indices: a float32 Tensor holding integers, an Int32Array or number[].
 * @param numClasses [-1: the largest index + 1]
 * @throws TypeError for indices of another type; RangeError for a negative, non-integer or
 *   too-large index, or numClasses below -1.
 * @example oneHot(tensor([0, 2]), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(input: Indices, numClasses = -1): Tensor {
  const at = 'oneHot';
  checkInt(at, 'numClasses', numClasses, -1, MAX_NUMEL);
  const { idx, shape } = indexArg(at, 'input', input, 0, numClasses === -1 ? MAX_NUMEL - 1 : numClasses - 1);
  let c = numClasses;
  if (c === -1) {
    if (idx.length === 0) throw rangeErrorText(at, 'a number of classes given for an empty input (torch: Can not infer total number of classes from empty tensor)', 'numClasses', '-1');
    c = 0;
    for (let i = 0; i < idx.length; i++) c = Math.max(c, idx[i] + 1);
  }
  if (idx.length * c > MAX_NUMEL) {
    throw rangeErrorText(at, `a result of at most ${MAX_NUMEL} elements`, 'input and numClasses', `input of shape [${shape.join(', ')}] and ${c} classes`);
  }
  const outShape = checkShape(at, [...shape, c], 'the result shape');
  const out = new Float32Array(idx.length * c);
  for (let i = 0; i < idx.length; i++) out[i * c + idx[i]] = 1;
  return new Tensor(out, outShape);
}
