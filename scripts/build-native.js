#!/usr/bin/env node
'use strict';
// Builds the addon from source with node-gyp into build/Release/kiln.node (the 'local'
// variant, tuned for this machine) and the CPU probe build/Release/kiln_cpu.node. Skipped when KILN_SKIP_NATIVE_BUILD=1.
// scripts/prebuild.js and scripts/install.js reuse `nodeGyp` to run node-gyp the same way.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

// node-gyp is a devDependency: a git checkout has it, an install of the tarball does not, but
// npm hands its own bundled copy to lifecycle scripts as $npm_config_node_gyp.
function findNodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = process.env.npm_config_node_gyp;
    return bundled && fs.existsSync(bundled) ? bundled : null;
  }
}

/** Runs `node-gyp rebuild` (or `command`) in `cwd` (which holds binding.gyp); returns the spawnSync result. */
function nodeGyp(cwd, { env = process.env, stdio = 'inherit', command = 'rebuild' } = {}) {
  const gyp = findNodeGyp();
  if (!gyp) return { status: 1, error: new Error('node-gyp not found (neither a dependency nor $npm_config_node_gyp)') };
  const jobs = env.JOBS || 'max';
  const args = [gyp, command, ...(command === 'configure' ? [] : [`--jobs=${jobs}`])];
  // Build against the running Node's own headers when it ships them (Debian's and most
  // installers do), so no header download is needed; npm passes its nodedir setting too.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const nodedir = env.npm_config_nodedir || (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : '');
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  return spawnSync(process.execPath, args, { cwd, env, stdio });
}

module.exports = { nodeGyp, findNodeGyp };

if (require.main === module) {
  if (process.env.KILN_SKIP_NATIVE_BUILD === '1') process.exit(0);
  const r = nodeGyp(root);
  if (r.error) process.stderr.write(`kiln: ${r.error.message}\n`);
  process.exit(r.status === null ? 1 : r.status);
}
