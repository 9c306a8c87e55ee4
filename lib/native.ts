// Loads the native addon and types its bindings.
//
// Order: $KILN_BINARY (an explicit path), a local build (build/Release, then build-cmake),
// then the prebuild for this platform whose variant the CPU supports best:
// x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA), x86-64 (baseline). $KILN_VARIANT forces one.
// node-gyp-build cannot choose by CPU feature, hence this loader; it keeps its layout
// (prebuilds/<platform>-<arch>/).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The native functions, each validating its own arguments (the backstop behind lib/'s checks). */
export interface NativeBinding {
  setNumThreads(n: number): void;
  getNumThreads(): number;
  sgemm(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, transA: boolean, transB: boolean, beta: number): void;
  randomUniform(out: Float32Array, low: number, high: number, seed: number, offset: number): void;
  randomNormal(out: Float32Array, mean: number, std: number, seed: number, offset: number): void;
  buildInfo(): { eigen: string; simd: string; isa: string };
  [name: string]: unknown;
}

export type Variant = 'x86-64-v4' | 'x86-64-v3' | 'x86-64' | 'local';

const root = path.resolve(__dirname, '..');
const VARIANTS: Variant[] = ['x86-64-v4', 'x86-64-v3', 'x86-64'];

function cpuFlags(): Set<string> {
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return new Set(line ? line.split(':')[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/** The variants this CPU can run, best first (x86-64 psABI levels). */
export function supportedVariants(flags = cpuFlags()): Variant[] {
  const has = (...f: string[]) => f.every((x) => flags.has(x));
  const v3 = has('avx', 'avx2', 'fma', 'bmi1', 'bmi2', 'f16c', 'movbe') && (flags.has('abm') || flags.has('lzcnt'));
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
  if (process.env.KILN_BINARY) {
    const r = attempt(path.resolve(process.env.KILN_BINARY), 'local');
    if (r) return r;
  }
  const forced = process.env.KILN_VARIANT as Variant | undefined;
  if (!forced || forced === 'local') {
    for (const dir of ['build/Release', 'build-cmake/Release', 'build-cmake']) {
      const r = attempt(path.join(root, dir, 'kiln.node'), 'local');
      if (r) return r;
    }
  }
  const prebuildDir = path.join(root, 'prebuilds', `${os.platform()}-${os.arch()}`);
  const order = forced && forced !== 'local' ? [forced] : supportedVariants();
  for (const v of order) {
    const r = attempt(path.join(prebuildDir, `kiln.${v}.node`), v);
    if (r) return r;
  }
  throw new Error(
    `kiln: could not load the native addon for ${os.platform()}-${os.arch()}. Tried:\n  ${tried.join('\n  ')}\n` +
      'Fix: reinstall kiln (its npm package ships prebuilt binaries for linux-x64), or build from source with\n' +
      '`npm run build:native` (needs a C++17 compiler, python3, make and Eigen: apt-get install g++ make libeigen3-dev).',
  );
}

const loaded = load();
export const native: NativeBinding = loaded.binding;
export const nativeVariant: Variant = loaded.variant;
export const nativePath: string = loaded.path;

const envThreads = process.env.KILN_NUM_THREADS;
if (envThreads !== undefined && /^\d+$/.test(envThreads) && Number(envThreads) >= 1) native.setNumThreads(Number(envThreads));
