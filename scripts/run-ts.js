#!/usr/bin/env node
'use strict';
// Runs a TypeScript file (an example, a one-off script) without a build step, compiling each
// .ts module on load with @swc/core, the compiler the tests already use.
//   node scripts/run-ts.js examples/init-inspector.ts [args...]
// Scripts written in JavaScript can `require('./run-ts').register()` and then require lib/.
const fs = require('fs');
const path = require('path');
const Module = require('module');

/** Compiles .ts modules on require (idempotent). */
function register() {
  if (Module._extensions['.ts']) return;
  const swc = require('@swc/core');
  Module._extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    });
    module._compile(code, filename);
  };
}

module.exports = { register };

if (require.main === module) {
  if (process.argv.length < 3) {
    process.stderr.write('usage: node scripts/run-ts.js <file.ts> [args...]\n');
    process.exit(1);
  }
  register();
  const file = path.resolve(process.argv[2]);
  process.argv.splice(1, 2, file);
  // Loaded as the main module, so `require.main === module` holds in the script.
  Module._load(file, null, true);
}
