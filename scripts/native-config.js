#!/usr/bin/env node
'use strict';
// Shared by binding.gyp and CMakeLists.txt so both build the same sources with the same flags.
//   node scripts/native-config.js sources   -> the .cc files under native/, space separated
//   node scripts/native-config.js arch      -> the -march flag for $KILN_VARIANT
// KILN_VARIANT picks a prebuild variant (x86-64, x86-64-v3, x86-64-v4); unset means a local
// build tuned for this machine (-march=native).
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const VARIANTS = { 'x86-64': '-march=x86-64', 'x86-64-v3': '-march=x86-64-v3', 'x86-64-v4': '-march=x86-64-v4 -mprefer-vector-width=512', local: '-march=native' };

function sources() {
  return fs
    .readdirSync(path.join(root, 'native'), { recursive: true })
    .filter((f) => f.endsWith('.cc'))
    .map((f) => ['native', ...f.split(path.sep)].join('/'))
    .sort();
}

function variant() {
  const v = process.env.KILN_VARIANT || 'local';
  if (!(v in VARIANTS)) {
    process.stderr.write(`kiln: KILN_VARIANT must be one of ${Object.keys(VARIANTS).join(', ')}, got '${v}'\n`);
    process.exit(1);
  }
  return v;
}

module.exports = { sources, variant, VARIANTS };

if (require.main === module) {
  const what = process.argv[2];
  if (what === 'sources') process.stdout.write(sources().join(' '));
  else if (what === 'arch') process.stdout.write(VARIANTS[variant()]);
  else if (what === 'variant') process.stdout.write(variant());
  else {
    process.stderr.write('usage: native-config.js sources|arch|variant\n');
    process.exit(1);
  }
}
