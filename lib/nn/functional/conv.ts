// F.conv2d on the native kernels: Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions with 8+
// channels, im2col + GEMM otherwise (native/kernels/conv2d.cc, winograd.cc).
import { Tensor, fromOp, checkTensor } from '../../tensor';
import { formatShape } from '../../shape';
import { checkOptions, rangeError } from '../../errors';
import { shapeError } from '../../errors';
import { native } from '../../native';
import { expectArity } from '../../options';
import { MAX_PADDING, PairLike, checkOutputSize, formatPair, spatialInput, spatialShape, toPair, windowOutput } from './window';

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** [none] the bias, of shape (outChannels); null or absent for none. */
  bias?: Tensor | null;
  /** [1] the step of the window: a number or a [height, width] pair, each at least 1. */
  stride?: PairLike;
  /** [0] implicit zeros on each side: a number or a [height, width] pair, each at least 0. */
  padding?: PairLike;
}

/**
 * 2-D convolution (cross-correlation) over an (N, C, H, W) input, as torch.nn.functional.conv2d:
 * out[n, o, i, j] = bias[o] + sum_{c, p, q} weight[o, c, p, q] * x[n, c, i*sH - pH + p, j*sW - pW + q],
 * with zeros outside the input. Output size per dimension: floor((in + 2 padding - kernel) / stride) + 1.
 * @param x (N, C, H, W), or (C, H, W) for one unbatched sample
 * @param weight (outChannels, C, kH, kW)
 * @param opts `{ bias = null, stride = 1, padding = 0 }`: bias (outChannels); stride and padding
 *   a number or a [height, width] pair. A Tensor in third place is read as the bias.
 * @throws TypeError for a non-Tensor, a non-numeric option or a surplus argument (`F.conv2d(x, w, b, 1)`
 *   is told to pass `{ bias, stride: 1 }`); RangeError for mismatched shapes,
 *   a negative or non-integer stride/padding, or a kernel larger than the padded input.
 * @example const y = F.conv2d(x, w, { stride: 2, padding: 1 });
 */
export function conv2d(x: Tensor, weight: Tensor, opts: Conv2dOptions | Tensor | null = {}): Tensor {
  if (arguments.length > 2 && !(arguments.length === 3 && opts instanceof Tensor)) expectArity('conv2d', arguments, 2, true);
  return conv2dAt('conv2d', x, weight, opts);
}

/** F.conv2d naming `where` in its errors: Conv2d's forward calls it. @internal */
export function conv2dAt(where: string, x: Tensor, weight: Tensor, opts: Conv2dOptions | Tensor | null = {}): Tensor {
  checkTensor(where, 'input', x);
  checkTensor(where, 'weight', weight);
  const o = opts instanceof Tensor ? { bias: opts } : opts === null ? {} : checkOptions(where, opts, ['bias', 'stride', 'padding']);
  const bias = o.bias ?? null;
  if (bias !== null) checkTensor(where, 'bias', bias);
  const stride = toPair(where, 'stride', o.stride ?? 1, 1);
  const padding = toPair(where, 'padding', o.padding ?? 0, 0, MAX_PADDING);
  if (weight.ndim !== 4) {
    throw shapeError(where, 'a 4-D tensor (outChannels, inChannels, kH, kW)', 'weight', weight.shape);
  }
  const [OC, C, KH, KW] = weight.shape;
  // No output channels is no convolution: PyTorch refuses it ("expected weight to be at least
  // 1 at dimension 0"). No input channels is allowed (the sum is empty), as PyTorch.
  if (OC < 1) throw rangeError(where, 'a weight with at least 1 output channel (dimension 0)', 'weight', weight);
  const s = spatialInput(where, x);
  if (s.C !== C) throw shapeError(where, `${C} channels`, 'input', x.shape);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== OC)) {
    throw shapeError(where, `shape [${OC}]`, 'bias', bias.shape);
  }
  if (KH < 1 || KW < 1) throw shapeError(where, 'a non-empty kernel', 'weight', weight.shape);
  const [OH, OW] = windowOutput(where, s, [KH, KW], stride, padding, 'weight');
  const { N, H, W } = s;
  checkOutputSize(where, spatialShape(s, OC, OH, OW), `input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}, stride ${formatPair(stride)} and padding ${formatPair(padding)}`);
  const out = new Float32Array(N * OC * OH * OW);
  const win = [KH, KW, stride[0], stride[1], padding[0], padding[1]] as const;
  native.conv2dForward(out, x.data, weight.data, bias ? bias.data : null, N, C, H, W, OC, ...win);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return fromOp(out, spatialShape(s, OC, OH, OW), inputs, 'conv2d', (g) => {
    const dx = x.requiresGrad ? new Float32Array(x.numel) : null;
    const dw = weight.requiresGrad ? new Float32Array(weight.numel) : null;
    const db = bias && bias.requiresGrad ? new Float32Array(OC) : null;
    native.conv2dBackward(dx, dw, db, g, x.data, weight.data, N, C, H, W, OC, ...win);
    return [dx, dw, db];
    // The backward reads x and weight, not the result (fromOp's `saved`).
  }, [x.data, weight.data]);
}
