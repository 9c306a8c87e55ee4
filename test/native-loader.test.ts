// lib/native.ts: which prebuild variants a CPU can run, and how the loader chooses a binary
// and reports failure. Loader cases load a copy of lib/native.ts from a temporary package
// root, so what it finds there (build/, prebuilds/) is exactly what each test puts in.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nativePath, supportedVariants, Variant } from '../lib/native';

const V2 = ['cx16', 'lahf_lm', 'popcnt', 'sse4_1', 'sse4_2', 'ssse3'];
const V3 = [...V2, 'avx', 'avx2', 'fma', 'bmi1', 'bmi2', 'f16c', 'movbe', 'abm'];
const V4 = [...V3, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];
const BASE = ['fpu', 'cmov', 'cx8', 'mmx', 'fxsr', 'sse', 'sse2', 'syscall', 'lm'];
const without = (flags: string[], drop: string) => new Set(flags.filter((f) => f !== drop));

describe('supportedVariants', () => {
  test('an AVX-512 CPU runs all three levels, best first', () => {
    expect(supportedVariants(new Set([...BASE, ...V4]))).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64']);
  });

  test('an AVX2 CPU runs v3 and the baseline', () => {
    expect(supportedVariants(new Set([...BASE, ...V3]))).toEqual(['x86-64-v3', 'x86-64']);
  });

  test('an SSE2-only CPU (and an unknown one) gets the baseline', () => {
    expect(supportedVariants(new Set(BASE))).toEqual(['x86-64']);
    expect(supportedVariants(new Set([...BASE, ...V2]))).toEqual(['x86-64']);
    expect(supportedVariants(new Set())).toEqual(['x86-64']);
  });

  test.each(V4.slice(V3.length))('missing %s drops v4', (flag) => {
    expect(supportedVariants(without([...BASE, ...V4], flag))).toEqual(['x86-64-v3', 'x86-64']);
  });

  test.each(V3)('missing %s drops v3 and v4', (flag) => {
    expect(supportedVariants(without([...BASE, ...V4], flag))).toEqual(['x86-64']);
  });

  test("Intel's lzcnt flag stands for AMD's abm", () => {
    expect(supportedVariants(new Set([...BASE, ...without(V3, 'abm'), 'lzcnt']))).toEqual(['x86-64-v3', 'x86-64']);
  });

  test("this machine's list ends with the baseline and is ordered best first", () => {
    const mine = supportedVariants();
    expect(mine[mine.length - 1]).toBe('x86-64');
    expect((['x86-64-v4', 'x86-64-v3', 'x86-64'] as Variant[]).filter((v) => mine.includes(v))).toEqual(mine);
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
    fs.copyFileSync(path.join(__dirname, '..', 'lib', 'native.ts'), path.join(root, 'lib', 'native.ts'));
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

  const put = (rel: string, junk = false) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (junk) fs.writeFileSync(file, 'not a shared object');
    else fs.copyFileSync(nativePath, file);
    return file;
  };
  const load = () => {
    let mod: { nativeVariant: string; nativePath: string } | undefined;
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
});
