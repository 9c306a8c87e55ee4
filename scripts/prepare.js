#!/usr/bin/env node
'use strict';
// The `prepare` script: `npm run build` (TypeScript and the local native build) after
// `npm install` / `npm ci` in a checkout. `npm pack` and `npm publish` run prepare too, right
// after `prepack` has built dist/ and the prebuilds; the local build is not packed, so skip it.
const { spawnSync } = require('child_process');
const path = require('path');

const cmd = process.env.npm_command;
if (cmd === 'pack' || cmd === 'publish') {
  process.stdout.write(`kiln: npm ${cmd}: prepack built dist/ and prebuilds/, skipping the local build\n`);
  process.exit(0);
}
const npm = process.env.npm_execpath;
const r = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: path.resolve(__dirname, '..'), stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { cwd: path.resolve(__dirname, '..'), stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status === null ? 1 : r.status);
