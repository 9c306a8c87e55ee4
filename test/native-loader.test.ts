// lib/native.ts: which prebuild variants a CPU can run (from CPUID through the kiln_cpu probe, or
// from /proc/cpuinfo), and how the loader chooses a binary and reports failure. Loader cases
// load a copy of lib/native.ts from a temporary package root, so what it finds there (build/,
// prebuilds/) is exactly what each test puts in.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CpuidRegisters, cpuinfoFeatures, decodeCpuid, detectCpu, nativePath, supportedVariants } from '../lib/native';

const repo = path.join(__dirname, '..');

// /proc/cpuinfo flag lines of real machines (Linux 6.x, bare metal or cloud VMs).
const CPUS: Record<string, { flags: string; best: string }> = {
  'Intel Skylake-X (Xeon Gold 6148)': {
    best: 'x86-64-v4',
    flags:
      'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l3 cdp_l3 invpcid_single pti intel_ppin ssbd mba ibrs ibpb stibp tpr_shadow vnmi flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm cqm mpx rdt_a avx512f avx512dq rdseed adx smap clflushopt clwb intel_pt avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts pku ospke md_clear flush_l1d arch_capabilities',
  },
  'Intel Ice Lake (Xeon Platinum 8375C, AWS)': {
    best: 'x86-64-v4',
    flags:
      'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves wbnoinvd ida arat avx512vbmi pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid md_clear flush_l1d arch_capabilities',
  },
  'Intel Sapphire Rapids (Xeon Platinum 8488C, AWS)': {
    best: 'x86-64-v4',
    flags:
      'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch cpuid_fault invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves avx_vnni avx512_bf16 wbnoinvd ida arat avx512vbmi umip pku ospke waitpkg avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme avx512_vpopcntdq rdpid cldemote movdiri movdir64b md_clear serialize amx_bf16 avx512_fp16 amx_tile amx_int8 flush_l1d arch_capabilities',
  },
  'AMD Zen 2 (EPYC 7R32)': {
    best: 'x86-64-v3',
    flags:
      'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif v_spec_ctrl umip rdpid overflow_recov succor smca sme sev sev_es',
  },
  'AMD Zen 3 (EPYC 7763)': {
    best: 'x86-64-v3',
    flags:
      'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 invpcid_single hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold v_vmsave_vmload vgif v_spec_ctrl umip pku ospke vaes vpclmulqdq rdpid overflow_recov succor smca fsrm',
  },
  'AMD Zen 4 (EPYC 9654)': {
    best: 'x86-64-v4',
    flags:
      'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good amd_lbr_v2 nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba perfmon_v2 ibrs ibpb stibp ibrs_enhanced vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local avx512_bf16 clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin cppc arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload vgif x2avic v_spec_ctrl vnmi avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid overflow_recov succor smca fsrm flush_l1d',
  },
};
const cpuinfo = (flags: string) => cpuinfoFeatures(`processor\t: 0\nflags\t\t: ${flags}\nbugs\t\t: spectre_v1\n`);
const dropFlag = (flags: string, drop: string) => ` ${flags} `.replace(` ${drop} `, ' ').trim();
const levels = (best: string) => ['x86-64-v4', 'x86-64-v3', 'x86-64'].slice(['x86-64-v4', 'x86-64-v3', 'x86-64'].indexOf(best));

// The CPUID bit of each feature, from GCC's <cpuid.h> (an independent source for the decoder's
// table): name in /proc/cpuinfo -> [register, word, bit_* macro].
const GCC_BITS: Record<string, ['leaf1' | 'leaf7' | 'ext1', number, string]> = {
  pni: ['leaf1', 0, 'bit_SSE3'], ssse3: ['leaf1', 0, 'bit_SSSE3'], fma: ['leaf1', 0, 'bit_FMA'], cx16: ['leaf1', 0, 'bit_CMPXCHG16B'],
  sse4_1: ['leaf1', 0, 'bit_SSE4_1'], sse4_2: ['leaf1', 0, 'bit_SSE4_2'], movbe: ['leaf1', 0, 'bit_MOVBE'], popcnt: ['leaf1', 0, 'bit_POPCNT'],
  xsave: ['leaf1', 0, 'bit_XSAVE'], avx: ['leaf1', 0, 'bit_AVX'], f16c: ['leaf1', 0, 'bit_F16C'], sse: ['leaf1', 1, 'bit_SSE'], sse2: ['leaf1', 1, 'bit_SSE2'],
  bmi1: ['leaf7', 0, 'bit_BMI'], avx2: ['leaf7', 0, 'bit_AVX2'], bmi2: ['leaf7', 0, 'bit_BMI2'], avx512f: ['leaf7', 0, 'bit_AVX512F'],
  avx512dq: ['leaf7', 0, 'bit_AVX512DQ'], avx512cd: ['leaf7', 0, 'bit_AVX512CD'], avx512bw: ['leaf7', 0, 'bit_AVX512BW'], avx512vl: ['leaf7', 0, 'bit_AVX512VL'],
  lahf_lm: ['ext1', 0, 'bit_LAHF_LM'], abm: ['ext1', 0, 'bit_LZCNT'], lm: ['ext1', 1, 'bit_LM'],
};
let gccBits: Record<string, number> | undefined;
function gccBit(macro: string): number {
  if (!gccBits) {
    const defs = execFileSync('gcc', ['-dM', '-E', '-include', 'cpuid.h', '-'], { input: '', encoding: 'utf8' });
    gccBits = {};
    for (const m of defs.matchAll(/^#define (bit_\w+) \(1u? << (\d+)\)$/gm)) gccBits[m[1]] = Number(m[2]);
  }
  const bit = gccBits[macro];
  if (bit === undefined) throw new Error(`cpuid.h defines no ${macro}`);
  return bit;
}
/** The CPUID registers of a CPU with these cpuinfo flags (XSAVE enabled by the OS when OSXSAVE). */
function registersOf(flags: string, xcr0 = 0xe7): CpuidRegisters {
  const r: CpuidRegisters = { maxLeaf: 0x1f, leaf1: [0, 0], leaf7: [0, 0, 0], maxExtLeaf: 0x80000021, ext1: [0, 0], xcr0 };
  for (const name of flags.split(' ')) {
    const where = GCC_BITS[name];
    if (where) r[where[0]][where[1]] = (r[where[0]][where[1]] | (1 << gccBit(where[2]))) >>> 0;
  }
  return r;
}

describe('supportedVariants from /proc/cpuinfo', () => {
  test.each(Object.entries(CPUS))('%s', (_, { flags, best }) => {
    expect(supportedVariants(cpuinfo(flags))).toEqual(levels(best));
  });

  // A hypervisor may list neither abm nor lzcnt (the EPYC VM that got the baseline).
  test.each(Object.entries(CPUS))('%s without abm in /proc/cpuinfo', (_, { flags, best }) => {
    expect(supportedVariants(cpuinfo(dropFlag(flags, 'abm')))).toEqual(levels(best));
  });

  test("Intel's lzcnt flag is accepted as well as AMD's abm", () => {
    const f = CPUS['Intel Ice Lake (Xeon Platinum 8375C, AWS)'].flags;
    expect(supportedVariants(cpuinfo(`${dropFlag(f, 'abm')} lzcnt`))).toEqual(levels('x86-64-v4'));
  });

  test.each(['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'])('Zen 4 missing %s drops v4', (flag) => {
    expect(supportedVariants(cpuinfo(dropFlag(CPUS['AMD Zen 4 (EPYC 9654)'].flags, flag)))).toEqual(levels('x86-64-v3'));
  });

  test.each(['avx', 'avx2', 'fma', 'bmi1', 'bmi2', 'f16c', 'movbe', 'cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'])(
    'Zen 4 missing %s drops v3 and v4',
    (flag) => {
      expect(supportedVariants(cpuinfo(dropFlag(CPUS['AMD Zen 4 (EPYC 9654)'].flags, flag)))).toEqual(['x86-64']);
    },
  );

  test('no flags line (an unknown CPU) gets the baseline', () => {
    expect(supportedVariants(cpuinfoFeatures('processor\t: 0\n'))).toEqual(['x86-64']);
  });
});

describe('supportedVariants from CPUID (the kiln_cpu probe)', () => {
  test.each(Object.entries(CPUS))('%s', (_, { flags, best }) => {
    expect(supportedVariants(decodeCpuid(registersOf(flags)))).toEqual(levels(best));
  });

  test('the decoder reads every bit GCC names for these features, and no other', () => {
    for (const [name, [reg, word, macro]] of Object.entries(GCC_BITS)) {
      const r: CpuidRegisters = { maxLeaf: 7, leaf1: [0, 0], leaf7: [0, 0, 0], maxExtLeaf: 0x80000001, ext1: [0, 0], xcr0: 0xe7 };
      r[reg][word] = (1 << gccBit(macro)) >>> 0;
      expect([...decodeCpuid(r).flags].filter((f) => f !== 'lzcnt')).toEqual([name]);
    }
  });

  test('LZCNT is required from CPUID (no leniency where the bit itself is read)', () => {
    const zen4 = CPUS['AMD Zen 4 (EPYC 9654)'].flags;
    expect(supportedVariants(decodeCpuid(registersOf(dropFlag(zen4, 'abm'))))).toEqual(['x86-64']);
  });

  test('AVX-512 needs the OS to save opmask and ZMM state (XCR0 bits 5-7)', () => {
    const zen4 = CPUS['AMD Zen 4 (EPYC 9654)'].flags;
    expect(supportedVariants(decodeCpuid(registersOf(zen4, 0x7)))).toEqual(levels('x86-64-v3'));
    expect(supportedVariants(decodeCpuid(registersOf(zen4, 0x67)))).toEqual(levels('x86-64-v3')); // no Hi16_ZMM
  });

  test('AVX2 needs the OS to save XMM and YMM state (XCR0 bits 1-2)', () => {
    const zen4 = CPUS['AMD Zen 4 (EPYC 9654)'].flags;
    expect(supportedVariants(decodeCpuid(registersOf(zen4, 0x3)))).toEqual(['x86-64']);
    expect(supportedVariants(decodeCpuid(registersOf(zen4, 0)))).toEqual(['x86-64']);
  });
});

// The probe on this machine against the compiler's own view of it: gcc -march=native defines
// __AVX512F__, __LZCNT__, ... for what this CPU (and OS) can run.
describe('the kiln_cpu probe on this machine', () => {
  const probeFile = path.join(repo, 'build', 'Release', 'kiln_cpu.node');
  const onX64 = process.arch === 'x64' ? test : test.skip;
  const MACROS: Record<string, string> = {
    pni: '__SSE3__', ssse3: '__SSSE3__', fma: '__FMA__', cx16: '__GCC_HAVE_SYNC_COMPARE_AND_SWAP_16', sse4_1: '__SSE4_1__',
    sse4_2: '__SSE4_2__', movbe: '__MOVBE__', popcnt: '__POPCNT__', xsave: '__XSAVE__', avx: '__AVX__', f16c: '__F16C__',
    bmi1: '__BMI__', avx2: '__AVX2__', bmi2: '__BMI2__', avx512f: '__AVX512F__', avx512dq: '__AVX512DQ__', avx512cd: '__AVX512CD__',
    avx512bw: '__AVX512BW__', avx512vl: '__AVX512VL__', lahf_lm: '__LAHF_SAHF__', abm: '__LZCNT__',
  };

  onX64('reports the features gcc -march=native enables, and the same level', () => {
    if (!fs.existsSync(probeFile)) throw new Error(`${probeFile} is missing: run npm run build:native`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const regs = (require(probeFile) as { cpuid(): CpuidRegisters }).cpuid();
    const cpu = decodeCpuid(regs);
    const defined = new Set(
      execFileSync('gcc', ['-march=native', '-dM', '-E', '-'], { input: '', encoding: 'utf8' })
        .split('\n')
        .map((l) => l.split(' ')[1]),
    );
    const fromProbe = Object.keys(MACROS).filter((f) => cpu.flags.has(f));
    const fromGcc = Object.keys(MACROS).filter((f) => defined.has(MACROS[f]));
    expect(fromProbe).toEqual(fromGcc);
    const gccLevel = defined.has('__AVX512F__') && defined.has('__AVX512BW__') && defined.has('__AVX512CD__') && defined.has('__AVX512DQ__') && defined.has('__AVX512VL__')
      ? 'x86-64-v4'
      : ['__AVX2__', '__FMA__', '__BMI__', '__BMI2__', '__LZCNT__', '__MOVBE__', '__F16C__'].every((m) => defined.has(m))
        ? 'x86-64-v3'
        : 'x86-64';
    expect(supportedVariants(cpu)[0]).toBe(gccLevel);
    // GCC's runtime check (__builtin_cpu_supports("x86-64-v4"), compiled into the probe) agrees.
    if (regs.builtin) expect(regs.builtin.replace('x86-64-v2', 'x86-64')).toBe(gccLevel);
  });

  onX64('the probe is compiled for baseline x86-64, whatever the main build uses', () => {
    // No AVX (VEX-encoded) instruction in it: objdump shows them with a leading v on ymm/xmm operands.
    const asm = execFileSync('objdump', ['-d', '--no-show-raw-insn', probeFile], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(asm).not.toMatch(/\s(v\w+)\s+%[xyz]mm/);
  });
});

describe('loader', () => {
  const platformDir = `${os.platform()}-${os.arch()}`;
  let root: string;
  const saved = { KILN_VARIANT: process.env.KILN_VARIANT, KILN_BINARY: process.env.KILN_BINARY };

  // A package root holding only lib/native.ts; `put` adds the real addon (or junk) at a path.
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-loader-'));
    fs.mkdirSync(path.join(root, 'lib'));
    fs.copyFileSync(path.join(repo, 'lib', 'native.ts'), path.join(root, 'lib', 'native.ts'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(path.join(repo, 'scripts', 'native-config.js'), path.join(root, 'scripts', 'native-config.js'));
    delete process.env.KILN_VARIANT;
    delete process.env.KILN_BINARY;
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const put = (rel: string, junk = false, from = nativePath) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (junk) fs.writeFileSync(file, 'not a shared object');
    else fs.copyFileSync(from, file);
    return file;
  };
  const load = () => {
    let mod: { nativeVariant: string; nativePath: string; detectCpu: typeof detectCpu } | undefined;
    jest.isolateModules(() => {
      mod = require(path.join(root, 'lib', 'native.ts'));
    });
    return mod!;
  };
  const loadError = () => {
    try {
      load();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('the loader did not throw');
  };

  test('with nothing to load, the error lists every path tried and how to fix it', () => {
    const msg = loadError();
    expect(msg).toContain(`kiln: could not load the native addon for ${platformDir}. Tried:`);
    for (const rel of ['build/Release/kiln.node', 'build-cmake/Release/kiln.node', 'build-cmake/kiln.node', `prebuilds/${platformDir}/kiln.x86-64.node`]) {
      expect(msg).toContain(`${path.join(root, rel)} (not found)`);
    }
    expect(msg).toContain('KILN_BUILD_FROM_SOURCE=1 npm rebuild kiln');
    expect(msg).toContain('needs a C++17 compiler');
  });

  test('a forced variant that is missing is named, and only it is tried', () => {
    put('build/Release/kiln.node'); // a local build must not stand in for a forced variant
    process.env.KILN_VARIANT = 'x86-64-v3';
    const msg = loadError();
    expect(msg).toContain('(KILN_VARIANT=x86-64-v3). Tried:');
    expect(msg).toContain(`${path.join(root, 'prebuilds', platformDir, 'kiln.x86-64-v3.node')} (not found)`);
    expect(msg).not.toContain('build/Release');
    expect(msg).not.toContain('kiln.x86-64.node');
  });

  test('an unknown KILN_VARIANT is refused with the valid values', () => {
    process.env.KILN_VARIANT = 'avx9';
    expect(loadError()).toBe("kiln: expected KILN_VARIANT to be one of x86-64-v4, x86-64-v3, x86-64, local, got 'avx9'");
  });

  test('a binary that fails to load is listed with its error', () => {
    put(`prebuilds/${platformDir}/kiln.x86-64-v3.node`, true);
    process.env.KILN_VARIANT = 'x86-64-v3';
    expect(loadError()).toMatch(/kiln\.x86-64-v3\.node \((?!not found)[^)]+\)/);
  });

  test('the loader falls back past missing and broken variants to the baseline', () => {
    put(`prebuilds/${platformDir}/kiln.x86-64-v3.node`, true);
    const file = put(`prebuilds/${platformDir}/kiln.x86-64.node`);
    const m = load();
    expect(m.nativeVariant).toBe('x86-64');
    expect(m.nativePath).toBe(file);
  });

  test('a local build wins over prebuilds', () => {
    put(`prebuilds/${platformDir}/kiln.x86-64.node`);
    const file = put('build/Release/kiln.node');
    const m = load();
    expect(m.nativeVariant).toBe('local');
    expect(m.nativePath).toBe(file);
  });

  test('KILN_VARIANT=local does not fall back to a prebuild', () => {
    put(`prebuilds/${platformDir}/kiln.x86-64.node`);
    process.env.KILN_VARIANT = 'local';
    const msg = loadError();
    expect(msg).toContain('(KILN_VARIANT=local)');
    expect(msg).not.toContain('prebuilds');
  });

  test('KILN_BINARY loads that file, and only that file', () => {
    const file = put('elsewhere/custom.node');
    put('build/Release/kiln.node');
    process.env.KILN_BINARY = file;
    expect(load().nativePath).toBe(file);
    process.env.KILN_BINARY = path.join(root, 'missing.node');
    const msg = loadError();
    expect(msg).toContain(`(KILN_BINARY is set). Tried:\n  ${path.join(root, 'missing.node')} (not found)\nFix:`);
  });

  test('with the CPU probe beside the prebuilds, the loader picks the best level CPUID reports', () => {
    const probe = put(`prebuilds/${platformDir}/kiln_cpu.node`, false, path.join(repo, 'build', 'Release', 'kiln_cpu.node'));
    for (const v of ['x86-64', 'x86-64-v3', 'x86-64-v4']) put(`prebuilds/${platformDir}/kiln.${v}.node`);
    const m = load();
    const cpu = m.detectCpu();
    expect(cpu.source).toBe('cpuid');
    expect(cpu.probe).toBe(probe);
    expect(m.nativeVariant).toBe(supportedVariants(decodeCpuid(cpu.registers!))[0]);
    expect(m.nativePath).toBe(path.join(root, 'prebuilds', platformDir, `kiln.${m.nativeVariant}.node`));
  });

  test('a CPU probe that does not load falls back to /proc/cpuinfo', () => {
    put(`prebuilds/${platformDir}/kiln_cpu.node`, true);
    put(`prebuilds/${platformDir}/kiln.x86-64.node`);
    const cpu = load().detectCpu();
    expect(cpu.source).toBe('cpuinfo');
    expect(cpu.probe).toBeUndefined();
    expect([...cpu.flags]).toEqual([...cpuinfoFeatures().flags]);
  });
});
