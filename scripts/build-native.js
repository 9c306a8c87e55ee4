#!/usr/bin/env node
'use strict';
// Builds the addon from source with node-gyp into build/Release/kiln.node (the 'local'
// variant, tuned for this machine). Skipped when KILN_SKIP_NATIVE_BUILD=1.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
if (process.env.KILN_SKIP_NATIVE_BUILD === '1') process.exit(0);
const gyp = require.resolve('node-gyp/bin/node-gyp.js');
const jobs = process.env.JOBS || 'max';
const args = [gyp, 'rebuild', `--jobs=${jobs}`];
// Build against the running Node's own headers when it ships them (Debian's and most
// installers do), so no header download is needed; npm passes its nodedir setting too.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : '');
if (nodedir) args.push(`--nodedir=${nodedir}`);
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
