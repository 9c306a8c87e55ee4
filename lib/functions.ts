// Function forms of tensor ops, for the ops that PyTorch exposes as torch.X as well as
// Tensor.X: kiln.cat(tensors), kiln.where(cond, x, y), kiln.clamp(x, 0, 1), ... Each calls the
// op in lib/ops (whose backward lives there).
import { Tensor, checkTensor } from './tensor';
import { formatShape } from './shape';
import * as compare from './ops/compare';
import * as stats from './ops/stats';
import * as sortOps from './ops/sort';
import * as join from './ops/join';
import * as indexOps from './ops/index_ops';
import * as view from './ops/view';
import * as reduce from './ops/reduce';
import { rangeErrorText } from './errors';

import type { Indices } from './ops/common';
import { expectArity } from './options';

/**
 * Concatenates tensors along `dim` (same shape elsewhere), as torch.cat.
 * @param dim [0]
 * @throws TypeError for a non-array or non-Tensor element; RangeError for mismatched shapes or a bad dim.
 * @example cat([a, b], 1)
 */
export function cat(tensors: Tensor[], dim = 0): Tensor { if (arguments.length > 2) expectArity('cat', arguments, 2); return join.cat(tensors, dim); }

/**
 * Stacks same-shaped tensors along a new dimension `dim`, as torch.stack.
 * @param dim [0]
 * @throws RangeError for tensors of different shapes.
 * @example stack([a, b]) // shape [2, ...a.shape]
 */
export function stack(tensors: Tensor[], dim = 0): Tensor { if (arguments.length > 2) expectArity('stack', arguments, 2); return join.stack(tensors, dim); }

/**
 * x where condition is non-zero, else y; the three broadcast. The gradient goes to the chosen side.
 * @throws RangeError when the shapes do not broadcast.
 * @example where(x.gt(0), x, 0)
 */
export function where(condition: Tensor, input: Tensor | number, other: Tensor | number): Tensor { if (arguments.length > 3) expectArity('where', arguments, 3); return compare.where(condition, input, other); }

/** torch.clamp: see {@link Tensor.clamp}. @example clamp(x, -1, 1) */
export function clamp(input: Tensor, min?: Tensor | number | null, max?: Tensor | number | null): Tensor { if (arguments.length > 3) expectArity('clamp', arguments, 3); return compare.clamp(input, min, max); }
/** torch.minimum: see {@link Tensor.minimum}. @example minimum(a, b) */
export function minimum(input: Tensor, other: Tensor): Tensor { if (arguments.length > 2) expectArity('minimum', arguments, 2); return compare.extremum(false, input, other); }
/** torch.maximum: see {@link Tensor.maximum}. @example maximum(a, b) */
export function maximum(input: Tensor, other: Tensor): Tensor { if (arguments.length > 2) expectArity('maximum', arguments, 2); return compare.extremum(true, input, other); }
/** torch.eq: 1 where equal (broadcast), else 0. @example eq(a, b) */
export function eq(input: Tensor, other: Tensor | number): Tensor { if (arguments.length > 2) expectArity('eq', arguments, 2); return compare.compare('eq', input, other); }
/** torch.ne: 1 where different (broadcast), else 0. @example ne(a, 0) */
export function ne(input: Tensor, other: Tensor | number): Tensor { if (arguments.length > 2) expectArity('ne', arguments, 2); return compare.compare('ne', input, other); }
/** torch.lt: 1 where input < other (broadcast), else 0. @example lt(a, b) */
export function lt(input: Tensor, other: Tensor | number): Tensor { if (arguments.length > 2) expectArity('lt', arguments, 2); return compare.compare('lt', input, other); }
/** torch.le: 1 where input <= other (broadcast), else 0. @example le(a, b) */
export function le(input: Tensor, other: Tensor | number): Tensor { if (arguments.length > 2) expectArity('le', arguments, 2); return compare.compare('le', input, other); }
/** torch.gt: 1 where input > other (broadcast), else 0. @example gt(a, 0) */
export function gt(input: Tensor, other: Tensor | number): Tensor { if (arguments.length > 2) expectArity('gt', arguments, 2); return compare.compare('gt', input, other); }
/** torch.ge: 1 where input >= other (broadcast), else 0. @example ge(a, b) */
export function ge(input: Tensor, other: Tensor | number): Tensor { if (arguments.length > 2) expectArity('ge', arguments, 2); return compare.compare('ge', input, other); }
/** torch.min(input, dim?): see {@link Tensor.min}. @example min(x, 1).indices */
export function min(input: Tensor, dim?: number, keepDim = false): Tensor & sortOps.ValuesIndices { if (arguments.length > 3) expectArity('min', arguments, 3); return compare.min(input, dim, keepDim); }
/** torch.max(input, dim?): see {@link Tensor.max}. @example max(x, 1).values */
export function max(input: Tensor, dim?: number, keepDim = false): Tensor & sortOps.ValuesIndices {
  if (arguments.length > 3) expectArity('max', arguments, 3);
  // Named here: Tensor.max's own message for an empty input does not name it.
  if (checkTensor('max', 'input', input).numel === 0) throw rangeErrorText('max', 'a non-empty tensor', 'input', `shape ${formatShape(input.shape)}`);
  return reduce.max(input, dim, keepDim);
}
/** torch.amax: see {@link Tensor.amax}. @example amax(x, [0, 1]) */
export function amax(input: Tensor, dim?: number | number[], keepDim = false): Tensor { if (arguments.length > 3) expectArity('amax', arguments, 3); return compare.aextremum(true, input, dim, keepDim); }
/** torch.amin: see {@link Tensor.amin}. @example amin(x, -1) */
export function amin(input: Tensor, dim?: number | number[], keepDim = false): Tensor { if (arguments.length > 3) expectArity('amin', arguments, 3); return compare.aextremum(false, input, dim, keepDim); }
/** torch.var: see {@link Tensor.var}. @example kiln.var(x, 0, { correction: 0 }) */
function variance(input: Tensor, dim?: number | number[] | null, opts?: stats.VarOptions): Tensor { return stats.variance(input, dim, opts); }
export { variance as var };
/** torch.std: see {@link Tensor.std}. @example std(x, 1, { keepDim: true }) */
export function std(input: Tensor, dim?: number | number[] | null, opts?: stats.VarOptions): Tensor { if (arguments.length > 3) expectArity('std', arguments, 3); return stats.std(input, dim, opts); }
/** torch.norm: see {@link Tensor.norm}. @example norm(x, 'fro') */
export function norm(input: Tensor, p: stats.NormOrder = 2, dim?: number | number[] | null, keepDim = false): Tensor { if (arguments.length > 4) expectArity('norm', arguments, 4); return stats.norm(input, p, dim, keepDim); }
/** torch.cumsum: see {@link Tensor.cumsum}. @example cumsum(x, 0) */
export function cumsum(input: Tensor, dim: number): Tensor { if (arguments.length > 2) expectArity('cumsum', arguments, 2); return stats.cumsum(input, dim); }
/** torch.sort: see {@link Tensor.sort}. @example sort(x, { descending: true }).indices */
export function sort(input: Tensor, opts?: sortOps.SortOptions): sortOps.ValuesIndices { if (arguments.length > 2) expectArity('sort', arguments, 2); return sortOps.sort(input, opts); }
/** torch.argsort: see {@link Tensor.argsort}. @example argsort(x) */
export function argsort(input: Tensor, opts?: sortOps.SortOptions): Tensor { if (arguments.length > 2) expectArity('argsort', arguments, 2); return sortOps.argsort(input, opts); }
/** torch.topk: see {@link Tensor.topk}. @example topk(x, 2, { largest: false }) */
export function topk(input: Tensor, k: number, opts?: sortOps.TopkOptions): sortOps.ValuesIndices { if (arguments.length > 3) expectArity('topk', arguments, 3); return sortOps.topk(input, k, opts); }
/** torch.split: see {@link Tensor.split}. @example split(x, 2) */
export function split(input: Tensor, splitSizeOrSections: number | number[], dim = 0): Tensor[] { if (arguments.length > 3) expectArity('split', arguments, 3); return join.split(input, splitSizeOrSections, dim); }
/** torch.chunk: see {@link Tensor.chunk}. @example chunk(x, 3, 1) */
export function chunk(input: Tensor, chunks: number, dim = 0): Tensor[] { if (arguments.length > 3) expectArity('chunk', arguments, 3); return join.chunk(input, chunks, dim); }
/** torch.narrow: see {@link Tensor.narrow}. @example narrow(x, 0, 1, 2) */
export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor { if (arguments.length > 4) expectArity('narrow', arguments, 4); return indexOps.narrow(input, dim, start, length); }
/** torch.select: see {@link Tensor.select}. @example select(x, 0, -1) */
export function select(input: Tensor, dim: number, index: number): Tensor { if (arguments.length > 3) expectArity('select', arguments, 3); return indexOps.select(input, dim, index); }
/** torch.index_select: see {@link Tensor.indexSelect}. @example indexSelect(x, 1, [0, 0]) */
export function indexSelect(input: Tensor, dim: number, index: Indices): Tensor { if (arguments.length > 3) expectArity('indexSelect', arguments, 3); return indexOps.indexSelect(input, dim, index); }
/** torch.gather: see {@link Tensor.gather}. @example gather(x, 1, idx) */
export function gather(input: Tensor, dim: number, index: Indices): Tensor { if (arguments.length > 3) expectArity('gather', arguments, 3); return indexOps.gather(input, dim, index); }
/** torch.scatter (out of place): see {@link Tensor.scatter}. @example scatter(x, 0, idx, src) */
export function scatter(input: Tensor, dim: number, index: Indices, src: Tensor | number): Tensor { if (arguments.length > 4) expectArity('scatter', arguments, 4); return indexOps.scatter(input, dim, index, src); }
/** torch.scatter_add (out of place): see {@link Tensor.scatterAdd}. @example scatterAdd(x, 0, idx, src) */
export function scatterAdd(input: Tensor, dim: number, index: Indices, src: Tensor): Tensor { if (arguments.length > 4) expectArity('scatterAdd', arguments, 4); return indexOps.scatterAdd(input, dim, index, src); }
/** torch.masked_fill: see {@link Tensor.maskedFill}. @example maskedFill(x, mask, 0) */
export function maskedFill(input: Tensor, mask: Tensor, value: number): Tensor { if (arguments.length > 3) expectArity('maskedFill', arguments, 3); return indexOps.maskedFill(input, mask, value); }
/** torch.squeeze: drops size-1 dimensions (only `dim` when given). @example squeeze(x, 0) */
export function squeeze(input: Tensor, dim?: number): Tensor { if (arguments.length > 2) expectArity('squeeze', arguments, 2); return view.squeeze(input, dim); }
/** torch.unsqueeze: inserts a size-1 dimension at `dim`. @example unsqueeze(x, -1) */
export function unsqueeze(input: Tensor, dim: number): Tensor { if (arguments.length > 2) expectArity('unsqueeze', arguments, 2); return view.unsqueeze(input, dim); }
/** torch.permute: result dimension i is input dimension dims[i]. @example permute(x, [2, 0, 1]) */
export function permute(input: Tensor, dims: number[]): Tensor { if (arguments.length > 2) expectArity('permute', arguments, 2); return view.permute(input, dims); }
