// F.dropout on the native dropout kernel (native/kernels/dropout.h).
import { Tensor, fromOp, checkTensor, isGradEnabled } from '../../tensor';
import { Generator, generatorFrom } from '../../random';
import { checkBoolean, checkOptions, describe, typeError } from '../../errors';
import { native } from '../../native';

type DropoutFn = {
  dropoutForward(out: Float32Array, mask: Float32Array | null, inp: Float32Array, p: number, seed: number, offset: number): void;
  dropoutBackward(dinp: Float32Array, dout: Float32Array, mask: Float32Array): void;
};
const k = native as unknown as DropoutFn;

/** Checks a dropout probability: a number in [0, 1] (the message API.md gives). */
export function checkDropoutP(where: string, p: unknown): number {
  if (typeof p !== 'number') throw typeError(where, 'a number', 'p', p);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${where}: expected p in [0, 1], got ${describe(p)}`);
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
 * @throws TypeError for a non-number p or non-boolean training; RangeError for p outside [0, 1].
 * @example const h = F.dropout(x, { p: 0.2, training: model.training });
 */
export function dropout(x: Tensor, opts?: DropoutOptions, where = 'dropout'): Tensor {
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
  k.dropoutForward(out, mask, x.data, p, g.seed, offset);
  return fromOp(out, x.shape.slice(), [x], 'dropout', (grad) => {
    const dx = new Float32Array(n);
    k.dropoutBackward(dx, grad, mask!);
    return [dx];
  });
}
