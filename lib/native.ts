// Loads the native addon and types its bindings.
//
// Order: a local build (build/Release, then build-cmake), then the prebuild for this platform
// whose variant the CPU supports best: x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA), x86-64
// (baseline). The CPU's level comes from CPUID and XGETBV, read by a tiny probe addon built for
// baseline x86-64 (kiln_cpu.node, which loads on any x86-64 CPU); if it does not load, from
// /proc/cpuinfo's flags. Overrides are strict (no silent fallback to another binary):
// $KILN_BINARY loads that file only, $KILN_VARIANT that variant only ('local' = a local build).
// node-gyp-build cannot choose by CPU feature, hence this loader; it keeps its layout
// (prebuilds/<platform>-<arch>/).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import type { NativeBinding } from './native-binding';
export type { NativeBinding } from './native-binding';

/** A prebuild variant (an x86-64 psABI level); the list lives in scripts/native-config.js. */
export type PrebuildVariant = 'x86-64-v4' | 'x86-64-v3' | 'x86-64';
/**
 * Which native binary: a prebuild for x86-64-v4 (AVX-512), x86-64-v3 (AVX2 + FMA) or baseline
 * x86-64, or 'local' for a build from source.
 * @inline
 */
export type Variant = PrebuildVariant | 'local';

const root = path.resolve(__dirname, '..');
// The one build description (it ships in the package next to dist/): the variants, best first.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const VARIANTS = (require(path.join(root, 'scripts', 'native-config.js')) as { variants(): PrebuildVariant[] }).variants();
const LOCAL_DIRS = ['build/Release', 'build-cmake/Release', 'build-cmake'];

/**
 * What the CPU (and its OS) supports, for choosing a variant. `flags` use /proc/cpuinfo's names.
 * From CPUID (`source: 'cpuid'`), a flag is there iff CPUID reports it and, for AVX and AVX-512
 * features, the OS saves the registers they use (XCR0), as Linux does for /proc/cpuinfo.
 */
export interface CpuFeatures {
  source: 'cpuid' | 'cpuinfo';
  flags: ReadonlySet<string>;
}

/** CPUID leaves and XCR0 as native/cpu/probe.cc returns them. */
export interface CpuidRegisters {
  maxLeaf: number;
  /** leaf 1: ECX, EDX */
  leaf1: number[];
  /** leaf 7 subleaf 0: EBX, ECX, EDX */
  leaf7: number[];
  maxExtLeaf: number;
  /** leaf 0x80000001: ECX, EDX */
  ext1: number[];
  /** XCR0's low 32 bits (0 when the OS has not enabled XSAVE) */
  xcr0: number;
  /** GCC's own verdict (__builtin_cpu_supports level names, GCC >= 12), or null */
  builtin?: string | null;
}

// [register, bit, /proc/cpuinfo name, OS state it needs] for the features the levels use.
const XMM_YMM = 0x6; // XCR0: SSE and AVX state
const AVX512_STATE = 0xe6; // XCR0: SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM state
const CPUID_BITS: [keyof Pick<CpuidRegisters, 'leaf1' | 'leaf7' | 'ext1'>, number, number, string, number][] = [
  ['leaf1', 0, 0, 'pni', 0], // SSE3
  ['leaf1', 0, 9, 'ssse3', 0],
  ['leaf1', 0, 12, 'fma', XMM_YMM],
  ['leaf1', 0, 13, 'cx16', 0],
  ['leaf1', 0, 19, 'sse4_1', 0],
  ['leaf1', 0, 20, 'sse4_2', 0],
  ['leaf1', 0, 22, 'movbe', 0],
  ['leaf1', 0, 23, 'popcnt', 0],
  ['leaf1', 0, 26, 'xsave', 0],
  ['leaf1', 0, 28, 'avx', XMM_YMM],
  ['leaf1', 0, 29, 'f16c', XMM_YMM],
  ['leaf1', 1, 25, 'sse', 0],
  ['leaf1', 1, 26, 'sse2', 0],
  ['leaf7', 0, 3, 'bmi1', 0],
  ['leaf7', 0, 5, 'avx2', XMM_YMM],
  ['leaf7', 0, 8, 'bmi2', 0],
  ['leaf7', 0, 16, 'avx512f', AVX512_STATE],
  ['leaf7', 0, 17, 'avx512dq', AVX512_STATE],
  ['leaf7', 0, 28, 'avx512cd', AVX512_STATE],
  ['leaf7', 0, 30, 'avx512bw', AVX512_STATE],
  ['leaf7', 0, 31, 'avx512vl', AVX512_STATE],
  ['ext1', 0, 0, 'lahf_lm', 0],
  ['ext1', 0, 5, 'abm', 0], // LZCNT (AMD's ABM bit; Intel calls the same bit LZCNT)
  ['ext1', 1, 29, 'lm', 0],
];

/** Decodes the probe's CPUID registers into feature flags (pure; bits per the Intel SDM / AMD APM). */
export function decodeCpuid(r: CpuidRegisters): CpuFeatures {
  const flags = new Set<string>();
  for (const [reg, word, bit, name, state] of CPUID_BITS) {
    if (((r[reg][word] >>> bit) & 1) === 1 && (r.xcr0 & state) === state) flags.add(name);
  }
  if (flags.has('abm')) flags.add('lzcnt');
  return { source: 'cpuid', flags };
}

/** The flags /proc/cpuinfo lists (the fallback when the probe does not load). */
export function cpuinfoFeatures(text?: string): CpuFeatures {
  let info = text;
  if (info === undefined) {
    try {
      info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      info = '';
    }
  }
  const line = info.split('\n').find((l) => l.startsWith('flags'));
  return { source: 'cpuinfo', flags: new Set(line ? line.split(':')[1].trim().split(/\s+/) : []) };
}

interface CpuProbe {
  cpuid(): CpuidRegisters | null;
}

/** Where the CPU probe (kiln_cpu.node, baseline x86-64) may be: with the prebuilds, or a local build. */
export function cpuProbePaths(): string[] {
  return [path.join(root, 'prebuilds', `${os.platform()}-${os.arch()}`, 'kiln_cpu.node'), ...LOCAL_DIRS.map((d) => path.join(root, d, 'kiln_cpu.node'))];
}

/** The CPU's features: from the CPUID probe where it loads, else from /proc/cpuinfo. */
export function detectCpu(): CpuFeatures & { probe?: string; registers?: CpuidRegisters } {
  for (const file of cpuProbePaths()) {
    if (!fs.existsSync(file)) continue;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const registers = (require(file) as CpuProbe).cpuid();
      if (registers) return { ...decodeCpuid(registers), probe: file, registers };
    } catch {
      // an unloadable probe: try the next, then /proc/cpuinfo
    }
  }
  return cpuinfoFeatures();
}

/**
 * The variants a CPU can run, best first, by the x86-64 psABI levels (each includes the one
 * below). From /proc/cpuinfo, LZCNT is not required: hypervisors may list neither `abm` nor
 * `lzcnt` for a CPU that runs it (every CPU with AVX2 and BMI1/2 does); from CPUID it is.
 * @param cpu the CPU's features [this CPU's: detectCpu()]
 */
export function supportedVariants(cpu: CpuFeatures = detectCpu()): PrebuildVariant[] {
  const has = (...f: string[]) => f.every((x) => cpu.flags.has(x));
  const v2 = has('cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3');
  const lzcnt = cpu.source === 'cpuinfo' || has('abm') || has('lzcnt');
  const v3 = v2 && lzcnt && has('avx', 'avx2', 'fma', 'bmi1', 'bmi2', 'f16c', 'movbe');
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
  if (forced !== undefined && forced !== 'local' && !VARIANTS.includes(forced as PrebuildVariant)) {
    throw new Error(`kiln: expected KILN_VARIANT to be one of ${[...VARIANTS, 'local'].join(', ')}, got '${forced}'`);
  }
  // Candidates are produced lazily: the CPU is only probed once no local build has loaded.
  function* candidates(): Generator<[string, Variant]> {
    if (binary) return yield [path.resolve(binary), 'local'];
    if (!forced || forced === 'local') for (const dir of LOCAL_DIRS) yield [path.join(root, dir, 'kiln.node'), 'local'];
    const prebuildDir = path.join(root, 'prebuilds', `${os.platform()}-${os.arch()}`);
    const order = forced === 'local' ? [] : forced ? [forced as PrebuildVariant] : supportedVariants();
    for (const v of order) yield [path.join(prebuildDir, `kiln.${v}.node`), v];
  }
  for (const [file, variant] of candidates()) {
    const r = attempt(file, variant);
    if (r) return r;
  }
  const why = binary ? ' (KILN_BINARY is set)' : forced ? ` (KILN_VARIANT=${forced})` : '';
  throw new Error(
    `kiln: could not load the native addon for ${os.platform()}-${os.arch()}${why}. Tried:\n  ${tried.join('\n  ')}\n` +
      `Fix: reinstall kiln (its npm package ships prebuilt binaries for linux-x64: ${[...VARIANTS].reverse().join(', ')}),\n` +
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
