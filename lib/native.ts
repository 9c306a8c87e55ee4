// Loads the native addon and types its bindings.
//
// Order: a local build (build/Release, then build-cmake), then the prebuild for this platform
// whose variant the CPU supports best: x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA), x86-64
// (baseline). Overrides are strict (no silent fallback to another binary): $KILN_BINARY loads
// that file only, $KILN_VARIANT that variant only ('local' = a local build only).
// node-gyp-build cannot choose by CPU feature, hence this loader; it keeps its layout
// (prebuilds/<platform>-<arch>/).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { NativeBinding } from './native-binding';
export type { NativeBinding } from './native-binding';

/**
 * Which native binary: a prebuild for x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA) or baseline
 * x86-64, or 'local' for a build from source.
 * @inline
 */
export type Variant = 'x86-64-v4' | 'x86-64-v3' | 'x86-64' | 'local';

const root = path.resolve(__dirname, '..');
const VARIANTS: Variant[] = ['x86-64-v4', 'x86-64-v3', 'x86-64'];
const LOCAL_DIRS = ['build/Release', 'build-cmake/Release', 'build-cmake'];

function cpuFlags(): Set<string> {
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return new Set(line ? line.split(':')[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/**
 * The variants this CPU can run, best first (x86-64 psABI levels; each level includes the
 * one below, and -march=x86-64-v3 code may use v2's popcnt and SSE4.2 too).
 * @param flags the CPU's feature flags as /proc/cpuinfo names them [this CPU's]
 */
export function supportedVariants(flags = cpuFlags()): Variant[] {
  const has = (...f: string[]) => f.every((x) => flags.has(x));
  const v2 = has('cx16', 'lahf_lm', 'popcnt', 'sse4_1', 'sse4_2', 'ssse3');
  const v3 = v2 && has('avx', 'avx2', 'fma', 'bmi1', 'bmi2', 'f16c', 'movbe') && (flags.has('abm') || flags.has('lzcnt'));
  const v4 = v3 && has('avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl');
  return VARIANTS.filter((v) => v === 'x86-64' || (v === 'x86-64-v3' && v3) || (v === 'x86-64-v4' && v4));
}

interface Loaded {
  binding: NativeBinding;
  variant: Variant;
  path: string;
}

function load(): Loaded {
  const tried: string[] = [];
  const attempt = (file: string, variant: Variant): Loaded | null => {
    if (!fs.existsSync(file)) {
      tried.push(`${file} (not found)`);
      return null;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { binding: require(file) as NativeBinding, variant, path: file };
    } catch (e) {
      tried.push(`${file} (${(e as Error).message.split('\n')[0]})`);
      return null;
    }
  };
  const binary = process.env.KILN_BINARY;
  const forced = process.env.KILN_VARIANT || undefined;
  if (forced !== undefined && forced !== 'local' && !VARIANTS.includes(forced as Variant)) {
    throw new Error(`kiln: expected KILN_VARIANT to be one of ${[...VARIANTS, 'local'].join(', ')}, got '${forced}'`);
  }
  const candidates: [string, Variant][] = [];
  if (binary) candidates.push([path.resolve(binary), 'local']);
  else {
    if (!forced || forced === 'local') for (const dir of LOCAL_DIRS) candidates.push([path.join(root, dir, 'kiln.node'), 'local']);
    const prebuildDir = path.join(root, 'prebuilds', `${os.platform()}-${os.arch()}`);
    const order = forced === 'local' ? [] : forced ? [forced as Variant] : supportedVariants();
    for (const v of order) candidates.push([path.join(prebuildDir, `kiln.${v}.node`), v]);
  }
  for (const [file, variant] of candidates) {
    const r = attempt(file, variant);
    if (r) return r;
  }
  const why = binary ? ' (KILN_BINARY is set)' : forced ? ` (KILN_VARIANT=${forced})` : '';
  throw new Error(
    `kiln: could not load the native addon for ${os.platform()}-${os.arch()}${why}. Tried:\n  ${tried.join('\n  ')}\n` +
      'Fix: reinstall kiln (its npm package ships prebuilt binaries for linux-x64: x86-64, x86-64-v3, x86-64-v4),\n' +
      'or build from source: `KILN_BUILD_FROM_SOURCE=1 npm rebuild kiln` (in a git checkout: `npm run build:native`),\n' +
      'which needs a C++17 compiler, make and python3 (Eigen ships in the package; in a checkout: apt-get install libeigen3-dev).',
  );
}

const loaded = load();
export const native: NativeBinding = loaded.binding;
export const nativeVariant: Variant = loaded.variant;
export const nativePath: string = loaded.path;

const envThreads = process.env.KILN_NUM_THREADS;
if (envThreads !== undefined && /^\d+$/.test(envThreads) && Number(envThreads) >= 1) native.setNumThreads(Number(envThreads));
