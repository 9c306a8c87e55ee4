// Threads and build facts of the loaded native addon.
import { native, nativePath, nativeVariant, Variant } from './native';
import { checkInt } from './errors';

/** Sets how many threads kernels use (default: all cores). */
export function setNumThreads(n: number): void {
  checkInt('setNumThreads', 'n', n, 1, 1024);
  native.setNumThreads(n);
}

/** How many threads kernels use. */
export function getNumThreads(): number {
  return native.getNumThreads();
}

export interface BackendInfo {
  /** Which binary was loaded: a prebuild variant, or 'local' for a build from source. */
  variant: Variant;
  /** The file it was loaded from. */
  path: string;
  threads: number;
  /** Eigen's version, e.g. '3.4.0'. */
  eigen: string;
  /** The SIMD instruction sets the binary was compiled for (Eigen's report). */
  simd: string;
}

/** Which native binary is loaded, from where, and what it uses. */
export function backendInfo(): BackendInfo {
  const b = native.buildInfo();
  return { variant: nativeVariant, path: nativePath, threads: native.getNumThreads(), eigen: b.eigen, simd: b.simd };
}
