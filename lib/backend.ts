// Threads and build facts of the loaded native addon.
import { native, nativePath, nativeVariant, Variant } from './native';
import { checkInt } from './errors';

/**
 * Sets how many threads the native kernels use (default: all cores).
 * @param n an integer in [1, 1024]
 * @throws {TypeError} when n is not a number.
 * @throws {RangeError} when n is not an integer in [1, 1024].
 * @example kiln.setNumThreads(4);
 */
export function setNumThreads(n: number): void {
  checkInt('setNumThreads', 'n', n, 1, 1024);
  native.setNumThreads(n);
}

/**
 * How many threads the native kernels use.
 * @example console.log(kiln.getNumThreads());
 */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/**
 * What {@link backendInfo} reports about the loaded native addon.
 * @example const { variant, simd } = kiln.backendInfo();
 */
export interface BackendInfo {
  /** Which binary was loaded: a prebuild variant, or 'local' for a build from source. */
  variant: Variant;
  /** The file it was loaded from. */
  path: string;
  /** How many threads the kernels use now, as {@link getNumThreads}. */
  threads: number;
  /** Eigen's version, e.g. '3.4.0'. */
  eigen: string;
  /** The SIMD instruction sets the binary was compiled for (Eigen's report). */
  simd: string;
}

/**
 * Which native binary is loaded, from where, and what it uses.
 * @example kiln.backendInfo(); // { variant: 'x86-64-v3', path: '...', threads: 8, eigen: '3.4.0', simd: 'FMA, AVX2, AVX, SSE, ...' }
 */
export function backendInfo(): BackendInfo {
  const b = native.buildInfo();
  return { variant: nativeVariant, path: nativePath, threads: native.getNumThreads(), eigen: b.eigen, simd: b.simd };
}
