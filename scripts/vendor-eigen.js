#!/usr/bin/env node
'use strict';
// Copies Eigen's headers (Eigen/, not unsupported/: kiln uses none of it) and its licence
// into vendor/eigen3 for `npm pack`, so a source build from the tarball needs no apt
// (scripts/find-eigen.js looks there before the system). Run by `prepack`.
// Source: $EIGEN3_INCLUDE_DIR or /usr/include/eigen3, else what find-eigen.js fetches.
// Licence: Eigen's own COPYING.* (an upstream tree) or Debian's copyright file (it holds
// the MPL-2.0 text; kiln builds with EIGEN_MPL2_ONLY), copied as COPYING.
const fs = require('fs');
const path = require('path');
const { findEigen, vendorDir } = require('./find-eigen');

const DEBIAN_COPYRIGHT = '/usr/share/doc/libeigen3-dev/copyright';

function fail(msg) {
  process.stderr.write(`vendor-eigen: ${msg}\n`);
  process.exit(1);
}

function hasEigen(dir) {
  return !!dir && fs.existsSync(path.join(dir, 'Eigen', 'Core'));
}

function eigenVersion(dir) {
  const macros = fs.readFileSync(path.join(dir, 'Eigen', 'src', 'Core', 'util', 'Macros.h'), 'utf8');
  const v = (name) => (macros.match(new RegExp(`#define\\s+EIGEN_${name}_VERSION\\s+(\\d+)`)) || [])[1];
  return `${v('WORLD')}.${v('MAJOR')}.${v('MINOR')}`;
}

function licences(src) {
  const own = fs.readdirSync(src).filter((f) => f.startsWith('COPYING'));
  if (own.length) return own.map((f) => [path.join(src, f), f]);
  if (fs.existsSync(DEBIAN_COPYRIGHT)) return [[DEBIAN_COPYRIGHT, 'COPYING']];
  return [];
}

function main() {
  const src = [process.env.EIGEN3_INCLUDE_DIR, '/usr/include/eigen3'].find(hasEigen);
  if (!src) {
    // No system copy: find-eigen.js fetches Debian's package into vendor/ with its licence.
    const dir = findEigen();
    if (!dir || path.resolve(dir) !== vendorDir) fail('Eigen 3.4 headers not found: apt-get install libeigen3-dev, or set EIGEN3_INCLUDE_DIR');
    if (!fs.existsSync(path.join(vendorDir, 'COPYING'))) fail(`${vendorDir} has no COPYING: refusing to ship Eigen without its licence`);
    process.stdout.write(`vendor-eigen: Eigen ${eigenVersion(vendorDir)} already in ${vendorDir}\n`);
    return;
  }
  const lic = licences(src);
  if (!lic.length) fail(`no licence found for Eigen in ${src} nor ${DEBIAN_COPYRIGHT}: refusing to ship Eigen without it`);
  fs.rmSync(vendorDir, { recursive: true, force: true });
  fs.mkdirSync(vendorDir, { recursive: true });
  fs.cpSync(path.join(src, 'Eigen'), path.join(vendorDir, 'Eigen'), { recursive: true, dereference: true });
  for (const [from, to] of lic) fs.copyFileSync(from, path.join(vendorDir, to));
  process.stdout.write(`vendor-eigen: Eigen ${eigenVersion(vendorDir)} from ${src} (licence: ${lic.map((l) => l[0]).join(', ')})\n`);
}

main();
