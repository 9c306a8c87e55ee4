// Applying per-sample transforms (internal: not part of data.transforms' public names).
import { Tensor } from '../tensor';
import { typeError } from '../errors';
import type { Transform } from './transforms';

/** Checks that `t` is a function or has forward(x); returns it. */
export function checkTransform(where: string, name: string, t: unknown): Transform {
  if (typeof t === 'function') return t as Transform;
  if (t !== null && typeof t === 'object' && typeof (t as { forward?: unknown }).forward === 'function') return t as Transform;
  throw typeError(where, 'a transform (a function of a Tensor or an object with forward(x))', name, t);
}

/** Runs a transform and checks that it returned a Tensor. */
export function applyTransform(where: string, name: string, t: Transform, x: Tensor): Tensor {
  const out = typeof t === 'function' ? t(x) : t.forward(x);
  if (!(out instanceof Tensor)) throw typeError(where, `${name} to return a Tensor`, `${name}(x)`, out);
  return out;
}

