#!/usr/bin/env node
'use strict';
// The `install` script of the kiln package. kiln works without it: the package ships
// prebuilt binaries (prebuilds/linux-x64/) that lib/native.ts picks at load time, so
// `npm install --ignore-scripts` (or an npm that blocks dependency scripts) is fine.
// What it does:
//   - in a git checkout (lib/ present): nothing; `prepare` builds from source.
//   - a prebuild (or an earlier local build) loads: nothing.
//   - none loads (another platform or CPU), or KILN_BUILD_FROM_SOURCE=1 / --build-from-source:
//     build from source with node-gyp into build/Release (-march=native), using the Eigen
//     headers the package carries in vendor/eigen3; fail with what is missing.
// Declaring this script also stops npm from running its implicit `node-gyp rebuild`
// (which it does for any package with a binding.gyp and no install script), which would
// need a compiler even where a prebuild fits.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { nodeGyp, findNodeGyp } = require('./build-native');
const { findEigen } = require('./find-eigen');

const root = path.resolve(__dirname, '..');
const say = (msg) => process.stdout.write(`kiln: ${msg}\n`);

// Loads the addon through the real loader in a child process (an unusable binary must not
// take npm down with it) and returns its report, or the error text.
function probe() {
  const code = "const b = require('./dist/backend.js').backendInfo(); console.log(b.variant + ' (' + b.path + ', ' + b.simd + ')')";
  const env = { ...process.env };
  delete env.KILN_BINARY; // probe the default choice, not a user's override
  delete env.KILN_VARIANT;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, env, encoding: 'utf8' });
  return r.status === 0 ? { ok: true, text: r.stdout.trim() } : { ok: false, text: (r.stderr || '').trim() };
}

function onPath(cmd) {
  if (!cmd) return false;
  if (cmd.includes('/')) return fs.existsSync(cmd);
  return (process.env.PATH || '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

function missingTools() {
  const missing = [];
  const envCxx = process.env.CXX ? process.env.CXX.split(/\s+/)[0] : '';
  if (envCxx && (envCxx === 'false' || envCxx === 'true' || !onPath(envCxx))) missing.push(`a C++17 compiler ($CXX='${process.env.CXX}' is not one)`);
  else if (!envCxx && !['c++', 'g++', 'clang++'].some(onPath)) missing.push('a C++17 compiler (g++ or clang++)');
  if (!onPath('make')) missing.push('make');
  if (!onPath('python3') && !onPath('python')) missing.push('python3 (node-gyp runs on it)');
  if (!findNodeGyp()) missing.push('node-gyp (run the install through npm, which bundles it, or npm install -g node-gyp)');
  if (!findEigen({ fetch: false })) missing.push('Eigen 3.4 headers (vendor/eigen3 is missing from this package; set EIGEN3_INCLUDE_DIR)');
  return missing;
}

function failBuild(reason, prebuildError) {
  process.stderr.write(
    `kiln: no usable native binary and the source build ${reason}.\n` +
      (prebuildError ? `The prebuilt binaries did not load:\n${prebuildError}\n\n` : '') +
      'A source build needs: a C++17 compiler (g++ or clang++), make and python3 ' +
      '(Debian/Ubuntu: apt-get install g++ make python3). Eigen comes with the package.\n' +
      'Prebuilt binaries exist for linux-x64 (any x86-64 CPU); on other platforms kiln builds from source.\n',
  );
  process.exit(1);
}

function main() {
  if (fs.existsSync(path.join(root, 'lib', 'native.ts'))) return; // a checkout: `prepare` builds
  if (process.env.KILN_SKIP_NATIVE_BUILD === '1') return say('KILN_SKIP_NATIVE_BUILD=1: not checking or building the addon');
  const force = process.env.KILN_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true';
  let prebuildError = '';
  if (!force) {
    const p = probe();
    if (p.ok) return say(`using the native binary ${p.text}`);
    prebuildError = p.text;
    say('no prebuilt binary loads here; building from source');
  } else {
    say('building from source (KILN_BUILD_FROM_SOURCE)');
  }
  const missing = missingTools();
  if (missing.length) failBuild(`cannot run: missing ${missing.join(', ')}`, prebuildError);
  const start = Date.now();
  const r = nodeGyp(root, { env: { ...process.env, KILN_VARIANT: 'local' } });
  if (r.error || r.status !== 0) failBuild(`failed (node-gyp ${r.error ? r.error.message : `exit ${r.status}`}; its output is above)`, prebuildError);
  const p = probe();
  if (!p.ok) failBuild(`built, but the result does not load:\n${p.text}`, prebuildError);
  say(`built from source in ${((Date.now() - start) / 1000).toFixed(0)} s: ${p.text}`);
}

main();
