// Corruptions by kind of argument: what a caller could wrongly pass where a Float32Array, a
// size, a number, a boolean, a Tensor, a shape or an options object is due. Each table slot
// picks its kind; a kind maps the slot's valid value to an arbitrary of malformed values.
import * as fc from 'fast-check';
import { Tensor } from '../../lib';
import { Corruption } from './engine';
import { BAD_NUMBERS, JUNK, WRONG_ARRAY_KINDS, detachedF32, offsetF32, sharedF32, show } from './values';

type Kind = (valid: unknown) => fc.Arbitrary<Corruption>;

const strict = (label: string, value: unknown, names?: string[]): Corruption => ({ label, value, strict: true, ...(names ? { names } : {}) });
const loose = (label: string, value: unknown): Corruption => ({ label, value, strict: false });

/** Junk of the wrong type; `allowNullish` drops undefined and null (an optional slot accepts them). */
function junk(allowNullish: boolean, names?: string[]): fc.Arbitrary<Corruption> {
  const pool = JUNK.filter(([l]) => !allowNullish || (l !== 'undefined' && l !== 'null'));
  return fc.constantFrom(...pool).map(([label, make]) => strict(label, make(), names));
}

function badNumber(names?: string[]): fc.Arbitrary<Corruption> {
  return fc.constantFrom(...BAD_NUMBERS).map((v) => strict(show(v), v, names));
}

function lengthOf(v: unknown): number {
  return v instanceof Float32Array || v instanceof Int32Array ? v.length : 0;
}

/** A buffer one short, one long, empty, or of a wrong kind: what the length checks must catch. */
function arrayCorruptions(valid: unknown, make: (n: number) => ArrayBufferView, name: string): fc.Arbitrary<Corruption>[] {
  const n = lengthOf(valid);
  return [
    fc.constant(loose(`${name} one longer (${n + 1})`, make(n + 1))),
    ...(n > 0 ? [fc.constant(loose(`${name} one short (${n - 1})`, make(n - 1))), fc.constant(loose(`empty ${name}`, make(0)))] : []),
    fc.integer({ min: 0, max: 3 }).map((k) => loose(`${name}(${n * 2 + k + 2})`, make(n * 2 + k + 2))),
    fc.constantFrom(...WRONG_ARRAY_KINDS.filter(([k]) => k !== name)).map(([k, m]) => strict(`${k}(${n})`, m(n))),
  ];
}

// ---- native binding arguments --------------------------------------------------------------

/** A required Float32Array (mapped in place by the binding). */
export const f32: Kind = (valid) =>
  fc.oneof(
    junk(false),
    ...arrayCorruptions(valid, (n) => new Float32Array(n), 'Float32Array'),
    fc.constant(strict('a detached Float32Array', detachedF32(lengthOf(valid)))),
    fc.constant(loose('a Float32Array on a SharedArrayBuffer', sharedF32(lengthOf(valid)))),
    fc.constant(loose('a Float32Array view at byteOffset 4', offsetF32(lengthOf(valid)))),
  );

/** An optional Float32Array (null = absent): as f32, but null and undefined are valid. */
export const f32opt: Kind = (valid) =>
  fc.oneof(
    junk(true),
    ...arrayCorruptions(valid ?? new Float32Array(4), (n) => new Float32Array(n), 'Float32Array'),
    fc.constant(strict('a detached Float32Array', detachedF32(lengthOf(valid)))),
  );

/** An Int32Array of class indices in [0, C): also indices out of range. */
export const i32targets: Kind = (valid) => {
  const n = lengthOf(valid);
  const outOfRange = (v: number, label: string) =>
    fc.integer({ min: 0, max: Math.max(0, n - 1) }).map((at) => {
      const t = Int32Array.from(valid as Int32Array);
      if (n > 0) t[at] = v;
      return n > 0 ? strict(`class index ${label} at ${at}`, t) : loose('empty targets', t);
    });
  return fc.oneof(
    junk(false),
    ...arrayCorruptions(valid, (k) => new Int32Array(k), 'Int32Array'),
    fc.constant(strict('a detached Int32Array', (() => { const a = new Int32Array(n); structuredClone(a.buffer, { transfer: [a.buffer] }); return a; })())),
    outOfRange(-1, '-1'),
    outOfRange(1 << 20, '2^20'),
    outOfRange(2147483647, '2^31-1'),
    outOfRange(-2147483648, '-2^31'),
  );
};

/** A size (an element count): bad numbers and junk are errors; other sizes are inconsistent. */
export const size: Kind = (valid) => {
  const v = typeof valid === 'number' ? valid : 0;
  return fc.oneof(
    junk(false),
    badNumber(),
    fc.constantFrom(v + 1, v + 2, 0, 65536, 2 ** 31 - 1, v > 0 ? v - 1 : 1).map((s) => loose(show(s), s)),
  );
};

/** An integer in a range such as a seed or a step: bad numbers and junk. */
export const integer: Kind = () => fc.oneof(junk(false), badNumber(), fc.constantFrom(2 ** 53 - 1, 0).map((s) => loose(show(s), s)));

/** A number (finite unless the binding says otherwise): non-numbers, NaN, infinities, extremes. */
export const number: Kind = () => fc.oneof(junk(false), badNumber());

/** A boolean. */
export const boolean: Kind = () => fc.oneof(junk(false), fc.constantFrom(0, 1, NaN).map((v) => strict(show(v), v)));

// ---- public API arguments ------------------------------------------------------------------

/** Small random shapes (sizes 0..4, up to 4 dimensions) for tensors that do not fit. */
export const smallShape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });

/** A tensor of a shape, filled with small values. */
export function filled(shape: number[], seed = 1): Tensor {
  let n = 1;
  for (const s of shape) n *= s;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(seed * 7.1 + i * 1.3);
  return new Tensor(data, shape);
}

/** A tensor whose .data was replaced after construction (the live buffer is assignable). */
function withData(t: Tensor, data: unknown): Tensor {
  const c = new Tensor(t.data.slice(), t.shape.slice(), t.requiresGrad);
  (c as { data: unknown }).data = data;
  return c;
}

/**
 * Corruptions that keep a Tensor a Tensor but break it: its data shorter or longer than its
 * shape, detached (transferred to a worker), or of another typed-array kind. What a method's
 * receiver may suffer; a check must name the argument.
 */
export function brokenTensor(valid: unknown, names?: string[]): fc.Arbitrary<Corruption> {
  const t = valid instanceof Tensor ? valid : filled([2, 3]);
  const n = t.numel;
  return fc.oneof(
    fc.constant(strict(`data one longer (${n + 1})`, withData(t, new Float32Array(n + 1)), names)),
    ...(n > 0 ? [fc.constant(strict(`data one short (${n - 1})`, withData(t, new Float32Array(n - 1)), names))] : []),
    ...(n > 0 ? [fc.constant(strict('detached data', withData(t, detachedF32(n)), names))] : []),
    fc.constantFrom(...WRONG_ARRAY_KINDS.slice(0, 3)).map(([k, m]) => strict(`data a ${k}(${n})`, withData(t, m(n)), names)),
    fc.constant(strict('data a number[]', withData(t, Array.from(t.data)), names)),
  );
}

/** A required Tensor: junk, broken tensors, and tensors of other shapes (inconsistent). */
export function tensorKind(opts: { optional?: boolean; names?: string[] } = {}): Kind {
  return (valid) =>
    fc.oneof(
      { weight: 3, arbitrary: junk(!!opts.optional, opts.names) },
      { weight: 2, arbitrary: brokenTensor(valid, opts.names) },
      { weight: 3, arbitrary: smallShape.map((s) => loose(`a Tensor of shape [${s}]`, filled(s))) },
      { weight: 1, arbitrary: fc.constant(loose('an empty Tensor [0]', filled([0]))) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity).map((v) => loose(`a Tensor of ${v}s`, new Tensor(new Float32Array((valid as Tensor)?.numel ?? 1).fill(v), (valid as Tensor)?.shape?.slice() ?? [1]))) },
      { weight: 1, arbitrary: fc.constant(strict('a Float32Array', new Float32Array(4), opts.names)) },
    );
}

/** A method's receiver: only broken tensors (calling a method on a non-Tensor is not kiln's to catch). */
export const selfKind: Kind = (valid) => brokenTensor(valid, ['input']);

/** An integer argument (a size, an index, a seed): bad numbers, junk, and other integers. */
export function intKind(opts: { optional?: boolean; names?: string[] } = {}): Kind {
  return () =>
    fc.oneof(
      junk(!!opts.optional, opts.names),
      badNumber(opts.names),
      fc.constantFrom(0, 1, -2, 7, 65536).map((v) => loose(show(v), v)),
    );
}

/** A number argument: non-numbers, NaN, infinities and extremes. */
export function numKind(opts: { optional?: boolean; names?: string[] } = {}): Kind {
  return () => fc.oneof(junk(!!opts.optional, opts.names), badNumber(opts.names));
}

/** A boolean option or argument. */
export function boolKind(opts: { optional?: boolean; names?: string[] } = {}): Kind {
  return () => fc.oneof(junk(!!opts.optional, opts.names), fc.constantFrom(0, 1, 'false').map((v) => strict(show(v), v, opts.names)));
}

/** One of a few strings: other strings (a RangeError listing the choices) and non-strings. */
export function choiceKind(opts: { optional?: boolean; names?: string[] } = {}): Kind {
  return () =>
    fc.oneof(
      junk(!!opts.optional, opts.names),
      fc.constantFrom('', 'MEAN', 'fan-in', 'none ', 'relu6', 'xyz').map((v) => strict(show(v), v, opts.names)),
    );
}

/** A shape: a number or an array of sizes. */
export function shapeKind(opts: { optional?: boolean; names?: string[] } = {}): Kind {
  return () =>
    fc.oneof(
      junk(!!opts.optional, opts.names),
      badNumber(opts.names),
      fc
        .constantFrom<[string, unknown]>(
          ['[-1]', [-1]],
          ['[1.5]', [1.5]],
          ['[NaN]', [NaN]],
          ['[Infinity]', [Infinity]],
          ['[2^31]', [2 ** 31]],
          ['[2^53]', [2 ** 53]],
          ['[65536, 65536]', [65536, 65536]],
          ['[2^31 - 1, 2]', [2 ** 31 - 1, 2]],
          ["['2']", ['2']],
          ['[[2]]', [[2]]],
          ['[2, null]', [2, null]],
          ['a Float32Array [2]', new Float32Array([2])],
        )
        .map(([l, v]) => strict(l, v, opts.names)),
      smallShape.map((s) => loose(`[${s}]`, s)),
    );
}

/** A function argument (a callback): non-functions. */
export function fnKind(opts: { optional?: boolean; names?: string[] } = {}): Kind {
  return () => junk(!!opts.optional, opts.names).filter((c) => typeof c.value !== 'function');
}

/**
 * An options object: a non-object (naming 'options'), or one key set to a malformed value of
 * that key's kind (naming the key), or an unknown key (which some functions reject by name).
 */
export function optionsKind(keys: Record<string, Kind>, opts: { name?: string } = {}): Kind {
  const name = opts.name ?? 'options';
  const names = Object.keys(keys);
  return (valid) => {
    const base = (valid ?? {}) as Record<string, unknown>;
    const arbs: fc.Arbitrary<Corruption>[] = [
      fc.constantFrom<[string, unknown]>(['5', 5], ["'fast'", 'fast'], ['true', true], ['[]', []], ['null', null], ['a Symbol', Symbol('o')], ['0n', 0n]).map(([l, v]) => strict(`options ${l}`, v, [name])),
      fc.constant(loose("an unknown key 'batch_size'", { ...base, batch_size: 1 })),
    ];
    if (names.length > 0) {
      arbs.push(
        fc.constantFrom(...names).chain((k) =>
          keys[k](base[k]).map((c) => ({ ...c, label: `${k}: ${c.label}`, value: { ...base, [k]: c.value }, names: c.names ?? [k] })),
        ),
      );
    }
    return fc.oneof(...arbs);
  };
}

export { strict, loose, junk };
