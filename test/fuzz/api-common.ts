// Helpers shared by the public-API fuzz tables (api-core, api-nn, api-train): the entry
// builder and arbitraries of valid tensors, modules and optimisers.
import * as fc from 'fast-check';
import { Tensor, nn, optim } from '../../lib';
import { Entry, Slot } from './engine';
import { filled } from './kinds';

type SlotSpec = [name: string, corrupt: Slot['corrupt'], extra?: Omit<Slot, 'name' | 'corrupt'>];

/**
 * An entry from its name, its slots as [name, kind, { optional, names, sweep }], the
 * arbitrary of valid arguments and the call. `names` of an options slot are its keys, so an
 * error about a key counts as naming the argument.
 */
export function api(name: string, slots: SlotSpec[], valid: fc.Arbitrary<unknown[]>, call: (a: unknown[]) => unknown, extra: Partial<Entry> = {}): Entry {
  const minArgs = name.startsWith('Tensor.') ? 1 : 0;
  const all = slots.map(([n, corrupt, more], i) => ({ name: n, corrupt, ...(i < minArgs ? { sweepable: false } : {}), ...more }));
  return { name, slots: all, valid, call, minArgs, ...extra };
}

/** Backward through y when it recorded a graph (a corrupted input may not require grad). */
export function back(y: unknown): void {
  if (y instanceof Tensor && y.requiresGrad) y.sum().backward();
}

/** Shapes with sizes 1..4 and 1..3 dimensions. */
export const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });
/** A tensor of small values, fresh per case. */
export const tensorArb = fc.tuple(shapeArb, fc.integer({ min: 1, max: 100 })).map(([s, k]) => filled(s, k));
/** The same, requiring grad. */
export const gradTensorArb = tensorArb.map((t) => t.requiresGrad_());
/** A matrix (rows, cols). */
export const matrixArb = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).map(([r, c]) => filled([r, c], r + c));

/** A small model: Linear(3, 4), ReLU, Linear(4, 2). */
export function smallModel(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
}

/** Gives every parameter a gradient (as after backward). */
export function withGrads<M extends nn.Module>(m: M): M {
  for (const p of m.parameters()) p.grad = filled(p.shape.slice(), p.numel);
  return m;
}

/** A model and an optimiser over it, its parameters holding gradients. */
export function modelAndOptimizer(kind: 'SGD' | 'Adam' | 'AdamW' = 'Adam'): { model: nn.Sequential; opt: optim.Optimizer } {
  const model = withGrads(smallModel());
  const opt = kind === 'SGD' ? new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }) : new optim[kind](model.parameters(), { lr: 0.01 });
  return { model, opt };
}

export const optimizerArb = fc.constantFrom<'SGD' | 'Adam' | 'AdamW'>('SGD', 'Adam', 'AdamW').map((k) => modelAndOptimizer(k).opt);

/** Whether an error is the file system's (a missing folder, a path that is a folder): documented for save and load. */
export function isFsError(e: Error): boolean {
  return typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((e as NodeJS.ErrnoException).code!);
}

export { Tensor };
