#!/usr/bin/env node
'use strict';
// The one description of the native build. binding.gyp (node-gyp: installs, prebuilds) and
// CMakeLists.txt (cmake-js: development) hold no source, define, flag or variant of their own:
// both ask this file, and so do scripts/prebuild.js and the loader (lib/native.ts) for the
// variant list. test/native-config.test.ts configures both builds and compares what they pass.
//
//   node scripts/native-config.js <what> [<target>]     prints a space-separated list
//     sources   the .cc files (paths relative to the repository root)
//     defines   preprocessor defines (NAME or NAME=value, no -D)
//     cflags    C++ compiler flags, -march of $KILN_VARIANT included
//     ldflags   linker flags
//     variants  the prebuild variants, best first
//     variant   $KILN_VARIANT checked ('local' when unset)
//   <target> is kiln (default) or kiln_cpu, the CPU probe: a tiny addon always compiled for
//   baseline x86-64 so that it loads on any x86-64 CPU, which reads CPUID/XGETBV for the
//   loader to pick the best prebuild (native/cpu/probe.cc).
//
// KILN_VARIANT picks a prebuild variant; unset (or 'local') means a build tuned for this
// machine (-march=native).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** Prebuild variants, best first (x86-64 psABI levels): name -> the flags selecting it. */
const VARIANTS = {
  'x86-64-v4': ['-march=x86-64-v4', '-mprefer-vector-width=512'],
  'x86-64-v3': ['-march=x86-64-v3'],
  'x86-64': ['-march=x86-64'],
};
const LOCAL = ['-march=native'];

const TARGETS = {
  kiln: {
    // Every .cc under native/ except the CPU probe's own directory.
    sources: () => listSources('native', ['native/cpu/']),
    defines: [
      'NAPI_VERSION=8',
      'NODE_ADDON_API_CPP_EXCEPTIONS',
      'NODE_ADDON_API_CPP_EXCEPTIONS_ALL',
      'NODE_ADDON_API_DISABLE_DEPRECATED',
      'EIGEN_DONT_PARALLELIZE',
      'EIGEN_MPL2_ONLY',
      'NDEBUG',
    ],
    // -ffp-contract=off: a*b+c fused into an FMA in scalar code but not in Eigen's vector code
    // made results depend on a buffer's alignment (where Eigen's vector loop starts); see
    // README, Determinism.
    cflags: () => ['-std=c++17', '-O3', '-ffp-contract=off', '-fexceptions', '-fvisibility=hidden', '-Wno-maybe-uninitialized', ...archFlags()],
    ldflags: ['-pthread', '-static-libstdc++', '-static-libgcc'],
  },
  kiln_cpu: {
    sources: () => listSources('native/cpu', []),
    defines: ['NAPI_VERSION=8', 'NDEBUG'],
    // Baseline always, whatever $KILN_VARIANT says: the probe must load where kiln's best
    // build might not. No C++ runtime is used (plain node_api.h).
    cflags: () => ['-std=c++17', '-O2', '-fvisibility=hidden', '-fno-exceptions', ...(process.arch === 'x64' ? VARIANTS['x86-64'] : [])],
    ldflags: ['-static-libstdc++', '-static-libgcc'],
  },
};

function listSources(dir, exclude) {
  return fs
    .readdirSync(path.join(root, dir), { recursive: true })
    .map((f) => [dir, ...f.split(path.sep)].join('/'))
    .filter((f) => f.endsWith('.cc') && !exclude.some((e) => f.startsWith(e)))
    .sort();
}

function variant() {
  const v = process.env.KILN_VARIANT || 'local';
  if (v !== 'local' && !(v in VARIANTS)) {
    throw new Error(`kiln: KILN_VARIANT must be one of ${[...Object.keys(VARIANTS), 'local'].join(', ')}, got '${v}'`);
  }
  return v;
}

function archFlags() {
  const v = variant();
  return v === 'local' ? LOCAL : VARIANTS[v];
}

/** The prebuild variant names, best first. */
function variants() {
  return Object.keys(VARIANTS);
}

/** The build of `target`: { sources, defines, cflags, ldflags } (lists of strings). */
function target(name = 'kiln') {
  const t = TARGETS[name];
  if (!t) throw new Error(`kiln: no native target '${name}' (have ${Object.keys(TARGETS).join(', ')})`);
  return { sources: t.sources(), defines: [...t.defines], cflags: t.cflags(), ldflags: [...t.ldflags] };
}

module.exports = { target, variants, variant, VARIANTS, TARGETS: Object.keys(TARGETS) };

if (require.main === module) {
  const [what, name] = process.argv.slice(2);
  const usage = 'usage: native-config.js sources|defines|cflags|ldflags|variants|variant [kiln|kiln_cpu]';
  try {
    let out;
    if (what === 'variants') out = variants();
    else if (what === 'variant') out = [variant()];
    else if (['sources', 'defines', 'cflags', 'ldflags'].includes(what)) out = target(name)[what];
    else throw new Error(usage);
    process.stdout.write(out.join(' '));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
