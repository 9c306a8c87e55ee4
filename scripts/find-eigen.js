#!/usr/bin/env node
'use strict';
// Prints the Eigen 3.4 include directory for binding.gyp and CMakeLists.txt.
// Eigen is never committed: it comes from (in order) $EIGEN3_INCLUDE_DIR, the copy that
// `npm pack` puts into vendor/eigen3 (so a source build from the tarball needs no apt),
// the system's /usr/include/eigen3 (Debian's libeigen3-dev), and finally Debian's
// libeigen3-dev fetched with `apt-get download` (no root needed) into vendor/.
const fs = require('fs');
const path = require('path');
const os = require('os');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const vendorDir = path.join(root, 'vendor', 'eigen3');

function hasEigen(dir) {
  return !!dir && fs.existsSync(path.join(dir, 'Eigen', 'Core'));
}

function fetchFromDebian() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kiln-eigen-'));
  try {
    execFileSync('apt-get', ['download', 'libeigen3-dev'], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
    const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) return false;
    const unpacked = path.join(tmp, 'x');
    execFileSync('dpkg-deb', ['-x', path.join(tmp, deb), unpacked]);
    const src = path.join(unpacked, 'usr', 'include', 'eigen3');
    if (!hasEigen(src)) return false;
    fs.mkdirSync(path.dirname(vendorDir), { recursive: true });
    fs.rmSync(vendorDir, { recursive: true, force: true });
    fs.cpSync(src, vendorDir, { recursive: true });
    const copyright = path.join(unpacked, 'usr', 'share', 'doc', 'libeigen3-dev', 'copyright');
    if (fs.existsSync(copyright)) fs.copyFileSync(copyright, path.join(vendorDir, 'COPYING'));
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function findEigen({ fetch = true } = {}) {
  const candidates = [process.env.EIGEN3_INCLUDE_DIR, vendorDir, '/usr/include/eigen3'];
  for (const dir of candidates) if (hasEigen(dir)) return dir;
  if (fetch && fetchFromDebian() && hasEigen(vendorDir)) return vendorDir;
  return null;
}

module.exports = { findEigen, vendorDir };

if (require.main === module) {
  const dir = findEigen();
  if (!dir) {
    process.stderr.write(
      'kiln: Eigen 3.4 headers not found. Fix one of:\n' +
        '  - apt-get install libeigen3-dev        (Debian/Ubuntu)\n' +
        '  - export EIGEN3_INCLUDE_DIR=/path/to/eigen3  (a folder holding Eigen/Core)\n' +
        '  - install kiln from its npm tarball, which carries Eigen in vendor/eigen3\n',
    );
    process.exit(1);
  }
  process.stdout.write(dir.split(path.sep).join('/'));
}
