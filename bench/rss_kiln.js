'use strict';
// W7, kiln side: peak RSS of W1 (batch 128) over `steps` training steps; prints KiB.
const kiln = require('..');
const { mlp, kilnTrainStep } = require('./workloads/models');

kiln.setNumThreads(Number(process.argv[2] || 1));
const steps = Number(process.argv[3] || 300);
const step = kilnTrainStep(kiln, mlp(kiln), [784], 128);
for (let i = 0; i < steps; i++) step();
// VmHWM, not getrusage's maxrss: Linux carries maxrss across fork and exec, so a child of a
// big bench process would report its parent's peak.
const hwm = /VmHWM:\s+(\d+) kB/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(JSON.stringify({ maxRssKiB: Number(hwm[1]) }));
