#!/usr/bin/env node
'use strict';
// Builds the prebuilt binaries the npm package ships: one per x86-64 CPU level,
//   prebuilds/linux-x64/kiln.<variant>.node   variant = x86-64, x86-64-v3, x86-64-v4
//                                             (the list: scripts/native-config.js)
//   prebuilds/linux-x64/kiln_cpu.node         the CPU probe (always baseline x86-64)
// lib/native.ts asks the probe (CPUID/XGETBV) which levels the CPU runs and loads the best
// (or $KILN_VARIANT).
//
// Usage: npm run build:prebuilds     (all three; builds dist/ first for the load check)
//        (not `npm run prebuild`: npm would run that before every `npm run build`)
//        node scripts/prebuild.js x86-64-v3 ...   (only these)
//
// Not prebuildify: it names binaries by runtime tags (napi, libc, ...) and node-gyp-build
// picks among them by those tags, with no way to choose by CPU feature level. Building
// three -march variants and picking at load time is what lets one package run AVX-512
// kernels where the CPU has them and still load on any x86-64. What prebuildify --strip
// does (strip --strip-unneeded) is done here too.
//
// Each variant builds with plain `node-gyp rebuild` in a temporary staging directory
// (binding.gyp copied, native/, scripts/ and node_modules/ linked), so a developer's
// build/Release stays untouched.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { nodeGyp } = require('./build-native');
const { findEigen } = require('./find-eigen');
const { variants } = require('./native-config');

const root = path.resolve(__dirname, '..');
const ALL = variants().reverse(); // baseline first

function fail(msg) {
  process.stderr.write(`prebuild: ${msg}\n`);
  process.exit(1);
}

function stage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-prebuild-'));
  fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(dir, 'binding.gyp'));
  for (const name of ['native', 'scripts', 'node_modules']) fs.symlinkSync(path.join(root, name), path.join(dir, name), 'dir');
  return dir;
}

function build(dir, variant, outDir, eigen) {
  const log = path.join(os.tmpdir(), `kiln-prebuild-${variant}.log`);
  const fd = fs.openSync(log, 'w');
  const start = process.hrtime.bigint();
  const r = nodeGyp(dir, { env: { ...process.env, KILN_VARIANT: variant, EIGEN3_INCLUDE_DIR: eigen }, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error || r.status !== 0) {
    const tail = fs.readFileSync(log, 'utf8').split('\n').slice(-40).join('\n');
    fail(`${variant}: node-gyp failed (${r.error ? r.error.message : `exit ${r.status}`}); last lines of ${log}:\n${tail}`);
  }
  const built = path.join(dir, 'build', 'Release', 'kiln.node');
  const out = path.join(outDir, `kiln.${variant}.node`);
  const tmp = `${out}.tmp`;
  fs.copyFileSync(built, tmp);
  const before = fs.statSync(tmp).size;
  const s = spawnSync('strip', ['--strip-unneeded', tmp], { stdio: 'inherit' });
  if (s.error || s.status !== 0) fail(`strip --strip-unneeded ${tmp} failed (${s.error ? s.error.message : `exit ${s.status}`}); strip comes with binutils`);
  fs.renameSync(tmp, out);
  // The probe is the same baseline build whatever the variant: ship the one from this build.
  const probeTmp = path.join(outDir, 'kiln_cpu.node.tmp');
  fs.copyFileSync(path.join(dir, 'build', 'Release', 'kiln_cpu.node'), probeTmp);
  spawnSync('strip', ['--strip-unneeded', probeTmp], { stdio: 'inherit' });
  fs.renameSync(probeTmp, path.join(outDir, 'kiln_cpu.node'));
  return { variant, seconds, before, after: fs.statSync(out).size, out };
}

// Loads a prebuild through the real loader (dist/native.js) in a child process, with
// $KILN_VARIANT forcing it, and returns what it reports.
function probe(variant) {
  const code =
    "const n = require('./dist/native.js');" +
    'const cpu = n.detectCpu();' +
    'console.log(JSON.stringify({ variant: n.nativeVariant, path: n.nativePath, isa: n.native.buildInfo().isa, supported: n.supportedVariants(cpu), probe: cpu.probe }))';
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, env: { ...process.env, KILN_VARIANT: variant }, encoding: 'utf8' });
  if (r.status !== 0) fail(`${variant}: the built binary does not load:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function main() {
  const variants = process.argv.length > 2 ? process.argv.slice(2) : ALL;
  for (const v of variants) if (!ALL.includes(v)) fail(`expected variants among ${ALL.join(', ')}, got '${v}'`);
  if (os.arch() !== 'x64') fail(`the prebuild variants are x86-64 CPU levels, this machine is ${os.arch()}: build from source instead (npm run build:native)`);
  if (!fs.existsSync(path.join(root, 'dist', 'native.js'))) fail('dist/native.js is missing: run `npm run build:ts` first (the load check uses the real loader)');
  const eigen = findEigen();
  if (!eigen) fail('Eigen 3.4 headers not found (see scripts/find-eigen.js)');
  const outDir = path.join(root, 'prebuilds', `${os.platform()}-${os.arch()}`);
  fs.mkdirSync(outDir, { recursive: true });

  const dir = stage();
  const results = [];
  try {
    for (const v of variants) {
      process.stdout.write(`prebuild: ${v} ...`);
      const r = build(dir, v, outDir, eigen);
      results.push(r);
      process.stdout.write(` ${r.seconds.toFixed(1)} s, ${(r.before / 1024).toFixed(0)} KB -> ${(r.after / 1024).toFixed(0)} KB stripped\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // The baseline runs on any x86-64, so probe it first and learn which levels this CPU runs;
  // a variant the CPU cannot run is not loaded (it could die of SIGILL) but still shipped.
  const baseline = fs.existsSync(path.join(outDir, 'kiln.x86-64.node')) ? probe('x86-64') : null;
  const cpuProbe = path.join(outDir, 'kiln_cpu.node');
  if (baseline && baseline.probe !== cpuProbe) fail(`the CPU probe ${cpuProbe} does not load (the loader fell back to /proc/cpuinfo)`);
  if (baseline) process.stdout.write(`prebuild: kiln_cpu.node: loads; this CPU runs ${baseline.supported.join(', ')} (CPUID)\n`);
  for (const { variant, out } of results) {
    if (baseline && !baseline.supported.includes(variant)) {
      process.stdout.write(`prebuild: ${variant}: not load-checked (this CPU lacks it)\n`);
      continue;
    }
    const p = variant === 'x86-64' ? baseline : probe(variant);
    if (!p || p.variant !== variant || p.path !== out || p.isa !== variant) {
      fail(`${variant}: the loader reported ${JSON.stringify(p)}, expected variant and compiled ISA '${variant}' from ${out}`);
    }
    process.stdout.write(`prebuild: ${variant}: loads, compiled for ${p.isa}\n`);
  }
}

main();
