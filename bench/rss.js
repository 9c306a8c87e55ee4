'use strict';
// W7: peak resident memory of the W1 workload (MLP, batch 128, 300 AdamW steps), each
// implementation in a fresh process of its own. Called by run.js.
const { spawnSync } = require('child_process');
const path = require('path');
const { TUNED_ENV } = require('./peers');

function measure(cmd, args, env) {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout.trim().split('\n').pop()).maxRssKiB;
}

function peakRss(threads, hasTorch) {
  const out = { kiln: measure(process.execPath, [path.join(__dirname, 'rss_kiln.js'), String(threads)], {}) };
  if (hasTorch) {
    const t = { OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
    out.torch = measure('/usr/bin/python3', [path.join(__dirname, 'rss_torch.py'), String(threads)], t);
    out['torch-tuned'] = measure('/usr/bin/python3', [path.join(__dirname, 'rss_torch.py'), String(threads)], { ...t, ...TUNED_ENV });
  }
  return out;
}

module.exports = { peakRss };
