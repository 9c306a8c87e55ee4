// F.rmsNorm: root-mean-square normalisation over the last dimensions, on the native fused kernel.
import { Tensor, fromOp, checkTensor, freshGrad } from '../../tensor';
import { native } from '../../native';
import { emptyFloat32 } from './buffers';
import { checkEps, checkOptions } from '../../errors';
import { checkNormalizedShape, checkParam, rowsOf } from './layernorm';
import { expectArity } from '../../options';

/** torch.finfo(torch.float32).eps = 2^-23: torch.nn.RMSNorm's eps when none is given. */
export const FLOAT32_EPS = 2 ** -23;

/** Options of {@link rmsNorm}. */
export interface RMSNormOptions {
  /** [none] the elementwise scale, of shape normalizedShape; null or absent for none. */
  weight?: Tensor | null;
  /** [2^-23, float32's machine epsilon] added to mean(x^2); null means the default, as PyTorch's None. */
  eps?: number | null;
}

/**
 * Root-mean-square normalisation over the last dimensions, as torch.nn.functional.rms_norm
 * (Zhang & Sennrich 2019): y = x / sqrt(mean(x^2) + eps) * weight.
 * @param x (*, ...normalizedShape)
 * @param normalizedShape the trailing shape to normalise over (a number or an array)
 * @param opts `{ weight?: normalizedShape, eps = 2^-23 }`: eps null or omitted is float32's
 *   machine epsilon, as PyTorch.
 * @throws TypeError for non-tensors, wrong option types or a surplus argument (PyTorch's positional options go in opts); RangeError for shapes that do not fit or a negative eps.
 * @example F.rmsNorm(x, 4096, { weight })
 */
export function rmsNorm(x: Tensor, normalizedShape: number | number[], opts: RMSNormOptions = {}): Tensor {
  if (arguments.length > 2) expectArity('rmsNorm', arguments, 2, true);
  return rmsNormAt('rmsNorm', x, normalizedShape, opts);
}

/** F.rmsNorm naming `where` in its errors: RMSNorm's forward calls it. @internal */
export function rmsNormAt(where: string, x: Tensor, normalizedShape: number | number[], opts: RMSNormOptions = {}): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['weight', 'eps']);
  const ns = checkNormalizedShape(where, normalizedShape);
  const [N, D] = rowsOf(where, x, ns);
  const weight = checkParam(where, 'weight', o.weight, ns);
  const eps = checkEps(where, o.eps ?? FLOAT32_EPS);

  const out = emptyFloat32(x.numel);
  const rstd = new Float32Array(N);
  const w = weight ? weight.data : null;
  native.rmsNormForward(out, rstd, x.data, w, N, D, eps);
  const inputs = weight ? [x, weight] : [x];
  return fromOp(out, x.shape.slice(), inputs, 'rmsNorm', (g) => {
    const dx = x.requiresGrad ? emptyFloat32(x.numel) : null;
    const dw = weight && weight.requiresGrad ? new Float32Array(D) : null;
    native.rmsNormBackward(dx, dw, g, x.data, w, rstd, N, D);
    return (weight ? [dx, dw] : [dx]).map((a) => a && freshGrad(a));
  });
}
