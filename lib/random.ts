// Random streams. A Generator is (seed, offset): value i of a draw is a pure function of
// (seed, offset + i) computed natively (native/kernels/random.h), so a seed fixes the
// weights and dropout masks whatever the thread count.
import { checkBoolean, checkInt, checkOptions, typeError } from './errors';
import { expectArity } from './options';
import { native } from './native';

const TWO_53 = 2 ** 53;

/**
 * An independent random stream, as torch.Generator. The stream is (seed, offset): value i
 * of a draw is a pure function of (seed, offset + i) computed natively, so a seed fixes the
 * numbers whatever the thread count.
 * @param seed [67280421310721] a safe integer; negative seeds wrap modulo 2^53.
 * @throws {TypeError} when seed is not a number.
 * @throws {RangeError} when seed is not a safe integer.
 * @example const g = new kiln.Generator(42); const w = kiln.randn([3, 3], { generator: g });
 */
export class Generator {
  private _seed = 0;
  /** How many values this stream has drawn since it was seeded. */
  offset = 0;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  /**
   * Re-seeds the stream and rewinds it (offset 0). Returns this, as torch.Generator.manual_seed.
   * @param seed a safe integer; negative seeds wrap modulo 2^53
   * @throws {TypeError} when seed is not a number.
   * @throws {RangeError} when seed is not a safe integer.
   * @example g.manualSeed(0);
   */
  manualSeed(seed: number): this {
    checkInt('Generator.manualSeed', 'seed', seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    this._seed = seed < 0 ? seed + TWO_53 : seed;
    this.offset = 0;
    return this;
  }

  /**
   * The seed the stream was last seeded with (negative seeds as wrapped), as torch.Generator.initial_seed.
   * @example new kiln.Generator(7).initialSeed(); // 7
   */
  initialSeed(): number {
    return this._seed;
  }

  /** The seed, as {@link Generator.initialSeed}. */
  get seed(): number {
    return this._seed;
  }

  /**
   * Reserves n values and returns the offset of the first; kernels draw (seed, offset + i).
   * For custom kernels that draw from the stream; the offset wraps modulo 2^53.
   * @example const at = g.take(out.length);
   */
  take(n: number): number {
    const at = this.offset;
    this.offset += n;
    if (this.offset >= TWO_53) this.offset -= TWO_53;
    return at;
  }

  /**
   * Fills `out` with uniform samples in [low, high) and returns it.
   * @param low [0] the lower bound
   * @param high [1] the upper bound
   * @example g.fillUniform(new Float32Array(10), -1, 1);
   */
  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    native.randomUniform(out, low, high, this._seed, this.take(out.length));
    return out;
  }

  /**
   * Fills `out` with normal samples N(mean, std²) and returns it.
   * @param mean [0] the mean
   * @param std [1] the standard deviation
   * @example g.fillNormal(new Float32Array(10), 0, 0.02);
   */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    native.randomNormal(out, mean, std, this._seed, this.take(out.length));
    return out;
  }
}

/** The stream used when no generator is given; {@link manualSeed} seeds it. */
export const defaultGenerator = new Generator();

/**
 * Seeds the default generator, as torch.manual_seed. Returns it.
 * @param seed a safe integer; negative seeds wrap modulo 2^53
 * @throws {TypeError} when seed is not a number.
 * @throws {RangeError} when seed is not a safe integer.
 * @example kiln.manualSeed(0); const a = kiln.randn(3); kiln.manualSeed(0); kiln.randn(3); // same as a
 */
export function manualSeed(seed: number): Generator {
  if (arguments.length > 1) expectArity('manualSeed', arguments, 1);
  return defaultGenerator.manualSeed(seed);
}

/** Reads `{ generator }` from options: the given Generator or the default one. */
export function generatorFrom(where: string, opts?: { generator?: Generator }): Generator {
  const g = opts?.generator;
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof Generator)) throw typeError(where, 'a Generator', 'generator', g);
  return g;
}

// The random factories live here, beside the Generator they draw from.
/**
 * Options of {@link randn} and {@link rand}, the last argument after the sizes.
 * @example const w = kiln.randn([3, 3], { generator: new kiln.Generator(0), requiresGrad: true });
 */
export type RandomOptions = {
  /** The random stream to draw from; the default generator (seeded by manualSeed) when omitted. */
  generator?: Generator;
  /** Whether the result records operations for autograd. @defaultValue false */
  requiresGrad?: boolean;
};

/** Sizes as one array or as separate arguments, then an optional options object (a non-array object last). */
function splitShapeArgs(where: string, args: unknown[]): [unknown, unknown] {
  // One array (or a non-number) first: the shape, then the options slot, as randn(shape, opts).
  if (typeof args[0] !== 'number') {
    expectArity(where, args, 1, true);
    return [args[0], args[1]];
  }
  const last = args[args.length - 1];
  const hasOpts = args.length >= 2 && (last === null || typeof last !== 'number') && !Array.isArray(last);
  return hasOpts ? [shapeFromArgs(where, args.slice(0, -1)), last] : [shapeFromArgs(where, args), undefined];
}
import { Tensor } from './tensor';
import { checkShape, numelOf, shapeFromArgs } from './shape';

/**
 * A tensor of standard normal N(0, 1) samples, as torch.randn; the sizes as one array or as
 * separate arguments (`randn(2, 3)`).
 * @param shape the sizes (a number for 1-D)
 * @param opts `{ generator = the default generator, requiresGrad = false }`
 * @throws {TypeError} for a shape that is not a number or an array of numbers, options that
 *   are not an object (or with an unknown key), a generator that is not a Generator, or a
 *   non-boolean requiresGrad.
 * @throws {RangeError} for a negative or non-integer size, or more than 2^31 - 1 elements.
 * @example kiln.manualSeed(0); const w = kiln.randn([784, 256]); const v = kiln.randn(2, 3);
 */
export function randn(shape: number | readonly number[], opts?: RandomOptions): Tensor;
export function randn(...sizesThenOptions: [...number[], RandomOptions] | number[]): Tensor;
export function randn(...args: unknown[]): Tensor {
  const [shape, opts] = splitShapeArgs('randn', args);
  const s = checkShape('randn', shape);
  const o = checkOptions('randn', opts as RandomOptions | undefined, ['generator', 'requiresGrad']);
  const requiresGrad = checkBoolean('randn', 'requiresGrad', o.requiresGrad ?? false);
  const g = generatorFrom('randn', o);
  return new Tensor(g.fillNormal(new Float32Array(numelOf(s))), s, requiresGrad);
}

/**
 * A tensor of uniform samples in [0, 1), as torch.rand; the sizes as one array or as separate
 * arguments (`rand(2, 3)`).
 * @param shape the sizes (a number for 1-D)
 * @param opts `{ generator = the default generator, requiresGrad = false }`
 * @throws {TypeError} for a shape that is not a number or an array of numbers, options that
 *   are not an object (or with an unknown key), a generator that is not a Generator, or a
 *   non-boolean requiresGrad.
 * @throws {RangeError} for a negative or non-integer size, or more than 2^31 - 1 elements.
 * @example const noise = kiln.rand([2, 3], { generator: new kiln.Generator(1) });
 */
export function rand(shape: number | readonly number[], opts?: RandomOptions): Tensor;
export function rand(...sizesThenOptions: [...number[], RandomOptions] | number[]): Tensor;
export function rand(...args: unknown[]): Tensor {
  const [shape, opts] = splitShapeArgs('rand', args);
  const s = checkShape('rand', shape);
  const o = checkOptions('rand', opts as RandomOptions | undefined, ['generator', 'requiresGrad']);
  const requiresGrad = checkBoolean('rand', 'requiresGrad', o.requiresGrad ?? false);
  const g = generatorFrom('rand', o);
  return new Tensor(g.fillUniform(new Float32Array(numelOf(s))), s, requiresGrad);
}
