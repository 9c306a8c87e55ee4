// scripts/native-config.js is the one description of the native build: binding.gyp (node-gyp)
// and CMakeLists.txt (cmake-js) must pass exactly its sources, defines and flags. Each build is
// configured for real into a temporary directory and what it would pass to the compiler is read
// back: from node-gyp's generated <target>.target.mk, and from CMake's file API (the codemodel
// a configure writes). What the tools add on their own is taken out: for node-gyp, whatever it
// gives an extra empty target; for cmake-js, its -DBUILDING_NODE_EXTENSION, -fPIC and the
// target's <name>_EXPORTS define. Anything else in either build is drift and fails here.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repo = path.join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const config = require('../scripts/native-config.js') as {
  target(name: string): Build;
  variants(): string[];
  TARGETS: string[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeGyp } = require('../scripts/build-native.js') as {
  nodeGyp(cwd: string, o: { env: NodeJS.ProcessEnv; stdio: 'pipe'; command: string }): { status: number | null; stderr: Buffer; error?: Error };
};

interface Build {
  sources: string[];
  defines: string[];
  cflags: string[];
  ldflags: string[];
}

/** The environment a configure runs in: $KILN_VARIANT set, no user compiler flags. */
function buildEnv(variant: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KILN_VARIANT: variant };
  for (const k of ['CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS']) delete env[k];
  return env;
}

/** `list` with one occurrence of each item of `remove` taken out (a multiset difference). */
function minus(list: string[], remove: string[]): string[] {
  const out = [...list];
  for (const r of remove) {
    const i = out.indexOf(r);
    if (i >= 0) out.splice(i, 1);
  }
  return out;
}

// A scratch copy of the repository's build entry points: `files` copied (so a test may edit
// them), everything the builds read linked.
function stage(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-native-config-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  for (const name of ['native', 'scripts', 'node_modules', 'vendor']) {
    if (fs.existsSync(path.join(repo, name))) fs.symlinkSync(path.join(repo, name), path.join(dir, name), 'dir');
  }
  return dir;
}

// --- node-gyp ----------------------------------------------------------------------------------

/** The make variable `name` of a gyp .mk file, as a list. */
function mkVar(mk: string, name: string): string[] {
  const m = new RegExp(`^${name} :=((?:.*\\\\\\n)*.*)$`, 'm').exec(mk);
  if (!m) return [];
  return m[1]
    .split(/\\\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => s.replace(/^'(.*)'$/, '$1'));
}

function gypFlags(mk: string): Build {
  return {
    sources: mkVar(mk, 'OBJS').map((o) => o.replace(/^\$\(obj\)\.target\/\$\(TARGET\)\//, '').replace(/\.o$/, '.cc')),
    defines: mkVar(mk, 'DEFS_Release').map((d) => d.replace(/^-D/, '')),
    cflags: [...mkVar(mk, 'CFLAGS_Release'), ...mkVar(mk, 'CFLAGS_CC_Release')],
    ldflags: mkVar(mk, 'LDFLAGS_Release'),
  };
}

/** What node-gyp passes for each target of `gypText`, less what it passes for an empty target. */
function configureGyp(gypText: string, variant: string): Record<string, Build> {
  const withDefaults = gypText.replace(/"targets":\s*\[/, '"targets": [ { "target_name": "gyp_defaults", "sources": ["gyp_defaults.cc"] },');
  expect(withDefaults).not.toBe(gypText);
  const dir = stage({ 'binding.gyp': withDefaults, 'gyp_defaults.cc': '' });
  try {
    const r = nodeGyp(dir, { env: buildEnv(variant), stdio: 'pipe', command: 'configure' });
    if (r.error || r.status !== 0) throw new Error(`node-gyp configure failed: ${r.error?.message ?? r.stderr.toString().slice(-2000)}`);
    const read = (t: string) => gypFlags(fs.readFileSync(path.join(dir, 'build', `${t}.target.mk`), 'utf8'));
    const defaults = read('gyp_defaults');
    const out: Record<string, Build> = {};
    for (const t of config.TARGETS) {
      const b = read(t);
      out[t] = {
        sources: b.sources,
        defines: minus(b.defines, defaults.defines).filter((d) => !d.startsWith('NODE_GYP_MODULE_NAME=')),
        cflags: minus(b.cflags, defaults.cflags),
        ldflags: minus(b.ldflags, defaults.ldflags),
      };
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- cmake-js ----------------------------------------------------------------------------------

/** What cmake-js/CMake pass for each target of `cmakeText` (CMake's file API, codemodel v2). */
function configureCmake(cmakeText: string, variant: string): Record<string, Build> {
  const dir = stage({ 'CMakeLists.txt': cmakeText });
  try {
    const out = path.join(dir, 'out');
    fs.mkdirSync(path.join(out, '.cmake', 'api', 'v1', 'query'), { recursive: true });
    fs.writeFileSync(path.join(out, '.cmake', 'api', 'v1', 'query', 'codemodel-v2'), '');
    const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
    const r = spawnSync(process.execPath, [cmakeJs, 'configure', '-d', dir, '--out', out], { env: buildEnv(variant), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cmake-js configure failed:\n${(r.stdout + r.stderr).slice(-2000)}`);
    const reply = path.join(out, '.cmake', 'api', 'v1', 'reply');
    const result: Record<string, Build> = {};
    for (const t of config.TARGETS) {
      const file = fs.readdirSync(reply).find((f) => f.startsWith(`target-${t}-`));
      if (!file) throw new Error(`CMake configured no target ${t}`);
      const j = JSON.parse(fs.readFileSync(path.join(reply, file), 'utf8'));
      expect(j.compileGroups).toHaveLength(1); // one set of flags for every source
      const g = j.compileGroups[0];
      const split = (frags: { fragment: string }[]) => frags.flatMap((f) => f.fragment.split(/\s+/)).filter(Boolean);
      result[t] = {
        sources: j.sources.map((s: { path: string }) => s.path),
        defines: g.defines.map((d: { define: string }) => d.define).filter((d: string) => d !== `${t}_EXPORTS`),
        cflags: minus(split(g.compileCommandFragments), ['-DBUILDING_NODE_EXTENSION', '-fPIC']),
        ldflags: split(j.link.commandFragments.filter((f: { role: string }) => f.role === 'flags')),
      };
    }
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// CMake sorts defines; their order carries no meaning (none is defined twice).
const normal = (b: Build) => ({ ...b, defines: [...b.defines].sort() });
const gypText = fs.readFileSync(path.join(repo, 'binding.gyp'), 'utf8');
const cmakeText = fs.readFileSync(path.join(repo, 'CMakeLists.txt'), 'utf8');

describe.each(['local', 'x86-64-v4'])('KILN_VARIANT=%s', (variant) => {
  const expected: Record<string, Build> = {};
  beforeAll(() => {
    const saved = process.env.KILN_VARIANT;
    process.env.KILN_VARIANT = variant;
    for (const t of config.TARGETS) expected[t] = config.target(t);
    if (saved === undefined) delete process.env.KILN_VARIANT;
    else process.env.KILN_VARIANT = saved;
  });

  test('node-gyp builds exactly what native-config.js describes', () => {
    const gyp = configureGyp(gypText, variant);
    for (const t of config.TARGETS) expect(normal(gyp[t])).toEqual(normal(expected[t]));
  });

  test('cmake-js builds exactly what native-config.js describes', () => {
    const cmake = configureCmake(cmakeText, variant);
    for (const t of config.TARGETS) expect(normal(cmake[t])).toEqual(normal(expected[t]));
  });
});

describe('native-config.js', () => {
  test('the description is complete: -march per variant, baseline probe, the probe not in kiln', () => {
    expect(config.variants()).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64']);
    const kiln = config.target('kiln');
    const probe = config.target('kiln_cpu');
    expect(kiln.sources).toContain('native/addon.cc');
    expect(kiln.sources.filter((s) => probe.sources.includes(s))).toEqual([]);
    expect(probe.sources).toEqual(['native/cpu/probe.cc']);
    if (process.arch === 'x64') expect(probe.cflags).toContain('-march=x86-64');
  });

  // The comparison above must catch a build that drifts: one extra define or flag in either.
  test('an extra define in binding.gyp is caught', () => {
    const drifted = gypText.replace('"defines": ["<!@(node scripts/native-config.js defines kiln)"', '"defines": ["DRIFT", "<!@(node scripts/native-config.js defines kiln)"');
    expect(drifted).not.toBe(gypText);
    expect(configureGyp(drifted, 'local').kiln.defines).toContain('DRIFT');
  });

  test('an extra compile option in CMakeLists.txt is caught', () => {
    const drifted = `${cmakeText}\ntarget_compile_options(kiln PRIVATE -fno-math-errno)\n`;
    const b = configureCmake(drifted, 'local').kiln;
    expect(b.cflags).toContain('-fno-math-errno');
    expect(b.cflags).not.toEqual(config.target('kiln').cflags);
  });
});
