// F.dropout on the native dropout kernel (native/kernels/dropout.h).
import { Tensor, fromOp, checkTensor, isGradEnabled } from '../../tensor';
import { Generator, generatorFrom } from '../../random';
import { checkBoolean, checkOptions, describe, rangeError, typeError } from '../../errors';
import { native } from '../../native';
import { expectArity } from '../../options';

/** Checks a dropout probability: a number in [0, 1] (the message API.md gives). */
export function checkDropoutP(where: string, p: unknown): number {
  if (typeof p !== 'number') throw typeError(where, 'a number', 'p', p);
  if (!(p >= 0 && p <= 1)) throw rangeError(where, 'a number in [0, 1]', 'p', p);
  return p;
}

/** Options of F.dropout. */
export interface DropoutOptions {
  /** [0.5] the probability that an element is zeroed. */
  p?: number;
  /** [true] false makes dropout the identity. */
  training?: boolean;
  /** The stream the mask is drawn from [the default generator]. */
  generator?: Generator;
}

/**
 * Dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks from
 * overfitting"), as torch.nn.functional.dropout: in training, each element is zeroed with
 * probability p and the survivors are scaled by 1/(1-p), so E[output] = input; out of
 * training, and for p = 0, it returns x itself. p = 1 gives zeros. The mask comes from the
 * generator's counter-based stream: the same seed gives the same mask on any thread count.
 * @param x the input, any shape.
 * @param opts `{ p = 0.5, training = true, generator? }`
 * @throws TypeError for a non-Tensor x, a non-number p, a non-boolean training or a surplus
 *   argument (PyTorch's positional p goes in opts); RangeError for p outside [0, 1].
 * @example const h = F.dropout(x, { p: 0.2, training: model.training });
 */
export function dropout(x: Tensor, opts?: DropoutOptions): Tensor {
  if (arguments.length > 1) expectArity('dropout', arguments, 1, true);
  return dropoutAt('dropout', x, opts);
}

/** F.dropout naming `where` in its errors: the modules' forward calls it. @internal */
export function dropoutAt(where: string, x: Tensor, opts?: DropoutOptions): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['p', 'training', 'generator']);
  const p = checkDropoutP(where, o.p ?? 0.5);
  const training = checkBoolean(where, 'training', o.training ?? true);
  const g = generatorFrom(where, o);
  if (!training || p === 0 || x.numel === 0) return x;
  const n = x.numel;
  const out = new Float32Array(n);
  // The mask is the backward pass's only need: skip it when no gradient will be asked for.
  const mask = x.requiresGrad && isGradEnabled() ? new Float32Array(n) : null;
  // p = 1 draws nothing (every element goes), as PyTorch, which does not touch its generator then.
  const offset = p < 1 ? g.take(n) : 0;
  native.dropoutForward(out, mask, x.data, p, g.seed, offset);
  return fromOp(out, x.shape.slice(), [x], 'dropout', (grad) => {
    const dx = new Float32Array(n);
    native.dropoutBackward(dx, grad, mask!);
    return [dx];
  });
}

let warned3dDropout2d = false;

/**
 * Channel-wise dropout on x viewed as (N, C, L): each (n, c) channel is zeroed whole with
 * probability p, the others scaled by 1/(1-p) (PyTorch's feature_dropout). One uniform per
 * channel from the generator decides it: dropped when u < p.
 */
function featureDropout(name: string, x: Tensor, N: number, C: number, p: number, g: Generator): Tensor {
  const n = x.numel;
  const channels = N * C;
  const L = channels === 0 ? 0 : n / channels;
  // p = 1 draws nothing (every channel goes), as F.dropout.
  const u = p < 1 ? g.fillUniform(new Float32Array(channels)) : null;
  const scale = p < 1 ? 1 / (1 - p) : 0;
  const factor = new Float32Array(channels);
  for (let i = 0; i < channels; i++) factor[i] = u !== null && u[i] >= p ? scale : 0;
  const apply = (src: Float32Array): Float32Array => {
    const out = new Float32Array(n);
    for (let ch = 0; ch < channels; ch++) {
      const f = factor[ch];
      if (f === 0) continue;
      for (let i = ch * L, end = i + L; i < end; i++) out[i] = src[i] * f;
    }
    return out;
  };
  return fromOp(apply(x.data), x.shape.slice(), [x], name, (grad) => [apply(grad)]);
}

/**
 * Channel-wise dropout for inputs with one spatial dimension, as torch.nn.functional.dropout1d
 * (Tompson et al. 2015, "Efficient object localization using convolutional networks"): in
 * training each channel x[n, c, :] is zeroed whole with probability p and the others are
 * scaled by 1/(1-p); out of training, and for p = 0, it returns x itself.
 * @param x (N, C, L), or (C, L) for one unbatched sample.
 * @param opts `{ p = 0.5, training = true, generator? }`
 * @throws TypeError for a non-Tensor x, a non-number p, a non-boolean training or a surplus
 *   argument (PyTorch's positional p goes in opts); RangeError for p outside [0, 1]
 *   or an input that is not 2-D or 3-D.
 * @example const h = F.dropout1d(x, { p: 0.2, training: model.training }); // x: (N, C, L)
 */
export function dropout1d(x: Tensor, opts?: DropoutOptions): Tensor {
  if (arguments.length > 1) expectArity('dropout1d', arguments, 1, true);
  return dropout1dAt('dropout1d', x, opts);
}

/** F.dropout1d naming `where` in its errors: the modules' forward calls it. @internal */
export function dropout1dAt(where: string, x: Tensor, opts?: DropoutOptions): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['p', 'training', 'generator']);
  const p = checkDropoutP(where, o.p ?? 0.5);
  const training = checkBoolean(where, 'training', o.training ?? true);
  const g = generatorFrom(where, o);
  if (x.ndim !== 2 && x.ndim !== 3) throw rangeError(where, 'a 2-D (C, L) or 3-D (N, C, L) input', 'input', x);
  if (!training || p === 0 || x.numel === 0) return x;
  const [N, C] = x.ndim === 3 ? [x.shape[0], x.shape[1]] : [1, x.shape[0]];
  return featureDropout('dropout1d', x, N, C, p, g);
}

/**
 * Channel-wise dropout for inputs with two spatial dimensions, as torch.nn.functional.dropout2d
 * (Tompson et al. 2015): in training each feature map x[n, c, :, :] is zeroed whole with
 * probability p and the others are scaled by 1/(1-p); out of training, and for p = 0, it
 * returns x itself. A 3-D input is read as (N, C, L), with PyTorch 1.13's warning (once per
 * process), as PyTorch does; use dropout1d for that.
 * @param x (N, C, H, W), or 3-D read as (N, C, L).
 * @param opts `{ p = 0.5, training = true, generator? }`
 * @throws TypeError for a non-Tensor x, a non-number p, a non-boolean training or a surplus
 *   argument (PyTorch's positional p goes in opts); RangeError for p outside [0, 1]
 *   or an input that is not 3-D or 4-D (PyTorch deprecates those ranks).
 * @example const h = F.dropout2d(x, { p: 0.1, training: model.training }); // x: (N, C, H, W)
 */
export function dropout2d(x: Tensor, opts?: DropoutOptions): Tensor {
  if (arguments.length > 1) expectArity('dropout2d', arguments, 1, true);
  return dropout2dAt('dropout2d', x, opts);
}

/** F.dropout2d naming `where` in its errors: the modules' forward calls it. @internal */
export function dropout2dAt(where: string, x: Tensor, opts?: DropoutOptions): Tensor {
  checkTensor(where, 'input', x);
  const o = checkOptions(where, opts, ['p', 'training', 'generator']);
  const p = checkDropoutP(where, o.p ?? 0.5);
  const training = checkBoolean(where, 'training', o.training ?? true);
  const g = generatorFrom(where, o);
  if (x.ndim !== 3 && x.ndim !== 4) throw rangeError(where, 'a 4-D (N, C, H, W) or 3-D (N, C, L) input', 'input', x);
  if (x.ndim === 3 && !warned3dDropout2d) {
    warned3dDropout2d = true;
    process.emitWarning(
      'dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C ' +
        'is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D ' +
        'channel-wise dropout behavior, please switch to using dropout1d instead.',
      { code: 'KILN_DROPOUT2D_3D' },
    );
  }
  if (!training || p === 0 || x.numel === 0) return x;
  return featureDropout('dropout2d', x, x.shape[0], x.shape[1], p, g);
}
