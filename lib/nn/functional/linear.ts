// F.linear: y = x W^T + b over the last dimension, on the native linear kernel.
import { Tensor, fromOp, checkTensor } from '../../tensor';
import { formatShape } from '../../shape';
import { native } from '../../native';
import { typeError } from '../../errors';
import { shapeError } from '../../errors';
import { checkOptionNames, expectArity } from '../../options';

/** Options of {@link linear}. */
export interface LinearOptions {
  /** [none] the bias b, of shape (outFeatures); null or absent for none. */
  bias?: Tensor | null;
}

/**
 * Applies y = x W^T + b to the last dimension of x, as torch.nn.functional.linear.
 * @param x (..., inFeatures)
 * @param weight (outFeatures, inFeatures)
 * @param opts `{ bias? }`: (outFeatures); a Tensor in third place is read as the bias too.
 * @throws TypeError for a non-Tensor, options that are not an object, an unknown option or a
 *   surplus argument; RangeError when the shapes do not fit.
 * @example F.linear(x, w, { bias: b })
 */
export function linear(x: Tensor, weight: Tensor, opts?: LinearOptions | Tensor | null): Tensor {
  if (arguments.length > 2 && !(arguments.length === 3 && opts instanceof Tensor)) expectArity('linear', arguments, 2, true);
  return linearAt('linear', x, weight, opts);
}

/** F.linear naming `where` in its errors: Linear's forward calls it. @internal */
export function linearAt(where: string, x: Tensor, weight: Tensor, opts?: LinearOptions | Tensor | null): Tensor {
  checkTensor(where, 'input', x);
  checkTensor(where, 'weight', weight);
  const bias = opts instanceof Tensor ? opts : opts == null ? null : opts.bias ?? null;
  if (opts != null && !(opts instanceof Tensor) && typeof opts !== 'object') throw typeError(where, 'an options object', 'options', opts);
  if (opts != null && !(opts instanceof Tensor)) checkOptionNames(where, opts, ['bias']);
  if (bias !== null) checkTensor(where, 'bias', bias);
  if (weight.ndim !== 2) throw shapeError(where, 'a 2-D tensor', 'weight', weight.shape);
  const [OC, C] = weight.shape;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== C) {
    throw shapeError(where, `last dimension ${C}`, 'input', x.shape);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== OC)) {
    throw shapeError(where, `shape [${OC}]`, 'bias', bias.shape);
  }
  const N = x.numel / C || 0;
  const outShape = [...x.shape.slice(0, -1), OC];
  const out = new Float32Array(N * OC);
  native.linearForward(out, x.data, weight.data, bias ? bias.data : null, N, C, OC);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp(out, outShape, inputs, 'linear', (g) => {
    const dx = x.requiresGrad ? new Float32Array(x.numel) : null;
    const dw = weight.requiresGrad ? new Float32Array(weight.numel) : null;
    const db = bias && bias.requiresGrad ? new Float32Array(OC) : null;
    native.linearBackward(dx, dw, db, g, x.data, weight.data, N, C, OC);
    return [dx, dw, db];
    // The backward reads x and weight, not the result (fromOp's `saved`).
  }, [x.data, weight.data]);
}
