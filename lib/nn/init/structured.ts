// The structured fills of torch.nn.init: dirac_ (identity convolutions) and sparse_ (Martens 2010).
import { Tensor, checkTensor } from '../../tensor';
import { generatorFrom } from '../../random';
import { checkFloat32, checkInRange, checkInt, checkOptions, rangeError } from '../../errors';
import { RandomInitOptions } from './fill';
import { expectArity } from '../../options';

/**
 * Fills the 3-, 4- or 5-D convolution weight `t` with the Dirac delta, as
 * torch.nn.init.dirac_: weight[g * out/groups + d, d, centre] = 1 for d < min(out/groups, in),
 * zeros elsewhere, so the convolution passes as many input channels through unchanged as it
 * can (each group its own, with groups > 1). The centre is size // 2 in each kernel dimension.
 * DiracNets (Zagoruyko & Komodakis 2017) train deep plain networks from this identity start.
 * @param t (out, in, k1[, k2[, k3]]), filled in place.
 * @param groups [1] the convolution's groups; must divide out.
 * @returns t
 * @throws RangeError for a tensor that is not 3-, 4- or 5-D, or groups that is not a positive
 *   integer dividing dimension 0; TypeError for a non-number groups or a surplus argument.
 * @example nn.init.dirac(conv.weight); // a 3x3 convolution that is the identity
 */
export function dirac(t: Tensor, groups = 1): Tensor {
  const where = 'init.dirac';
  if (arguments.length > 2) expectArity(where, arguments, 2);
  checkTensor(where, 'tensor', t);
  if (t.ndim < 3 || t.ndim > 5) throw rangeError(where, 'a 3-D, 4-D or 5-D tensor (out, in, ...kernel)', 'tensor', t);
  checkInt(where, 'groups', groups, 1);
  const out = t.shape[0];
  if (out % groups !== 0) throw rangeError(where, `a divisor of dimension 0 of tensor (${out})`, 'groups', groups);
  const perGroup = out / groups;
  const minDim = Math.min(perGroup, t.shape[1]);
  // Strides of the row-major layout, and the offset of the kernel's centre within one (o, i) slice.
  const strides = new Array<number>(t.ndim);
  for (let i = t.ndim - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= t.shape[i];
  }
  let centre = 0;
  for (let i = 2; i < t.ndim; i++) centre += Math.floor(t.shape[i] / 2) * strides[i];
  t.data.fill(0);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) t.data[(g * perGroup + d) * strides[0] + d * strides[1] + centre] = 1;
  }
  return t;
}

/** Options of sparse. */
export interface SparseOptions extends RandomInitOptions {
  /** [0.01] the standard deviation of the non-zero values. */
  std?: number;
}

/**
 * Fills the 2-D `t` as a sparse matrix, as torch.nn.init.sparse_ (Martens 2010, "Deep learning
 * via Hessian-free optimization"): every value is drawn from N(0, std^2), then in each column
 * ceil(sparsity * rows) rows, chosen uniformly without replacement, are set to zero.
 * @param t (rows, cols), filled in place.
 * @param sparsity the fraction of each column set to zero, in [0, 1].
 * @param opts `{ std = 0.01, generator? }`
 * @returns t
 * @throws RangeError for a tensor that is not 2-D, sparsity outside [0, 1], or a std that is
 *   negative or not finite in float32; TypeError for a non-number or a surplus argument
 *   (PyTorch's positional std goes in opts: `{ std: 0.01 }`).
 * @example nn.init.sparse(fc.weight, 0.9); // 90% zeros per column
 */
export function sparse(t: Tensor, sparsity: number, opts?: SparseOptions): Tensor {
  const where = 'init.sparse';
  if (arguments.length > 2) expectArity(where, arguments, 2, true);
  checkTensor(where, 'tensor', t);
  if (t.ndim !== 2) throw rangeError(where, 'a 2-D tensor (rows, cols)', 'tensor', t);
  checkInRange(where, 'sparsity', sparsity, 0, 1);
  const o = checkOptions(where, opts, ['std', 'generator']);
  const std = checkFloat32(where, 'std', o.std ?? 0.01);
  if (std < 0) throw rangeError(where, 'a non-negative number', 'std', std);
  const g = generatorFrom(where, o);
  const [rows, cols] = t.shape;
  const numZeros = Math.ceil(sparsity * rows);
  g.fillNormal(t.data, 0, std);
  if (numZeros === 0 || t.numel === 0) return t;
  // A uniform key per element: sorting a column's rows by key is a uniformly random
  // permutation (PyTorch's randperm), and its first numZeros rows are zeroed.
  const keys = g.fillUniform(new Float32Array(t.numel));
  const order = new Array<number>(rows);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) order[r] = r;
    order.sort((a, b) => keys[a * cols + c] - keys[b * cols + c] || a - b);
    for (let k = 0; k < numZeros; k++) t.data[order[k] * cols + c] = 0;
  }
  return t;
}
