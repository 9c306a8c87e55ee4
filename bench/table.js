#!/usr/bin/env node
'use strict';
// Renders a bench JSON report (bench/results/latest.json by default) as the Markdown table
// the README carries: kiln's ratio against each peer, per workload, case and thread count.
const fs = require('fs');
const path = require('path');

const file = process.argv[2] || path.join(__dirname, 'results', 'latest.json');
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const peers = ['torch-tuned', 'torch', 'tfjs-wasm', 'tfjs-cpu'].filter((p) => report.results.some((r) => r.ratios[p]));
const rows = new Map();
for (const r of report.results) {
  const key = `${r.workload} ${r.title}, ${r.case}`;
  if (!rows.has(key)) rows.set(key, { unit: r.unit, kiln: {}, ratios: {} });
  const row = rows.get(key);
  row.kiln[r.threads] = r.stats.kiln ? r.stats.kiln.median : undefined;
  for (const p of peers) if (r.ratios[p]) row.ratios[`${p}@${r.threads}`] = r.ratios[p];
}
const threads = [...new Set(report.results.map((r) => r.threads))].sort();
const cols = threads.flatMap((t) => peers.map((p) => `${p}@${t}`)).filter((c) => [...rows.values()].some((r) => r.ratios[c]));
const fmt = (x) => (x === undefined ? '' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(3));
console.log(`| workload | unit | ${threads.map((t) => `kiln ${t}t`).join(' | ')} | ${cols.map((c) => `vs ${c.replace('@', ' ')}t`).join(' | ')} |`);
console.log(`|---|---|${threads.map(() => '---:').join('|')}|${cols.map(() => '---:').join('|')}|`);
for (const [key, row] of rows) {
  console.log(`| ${key} | ${row.unit} | ${threads.map((t) => fmt(row.kiln[t])).join(' | ')} | ${cols.map((c) => (row.ratios[c] ? `${row.ratios[c].toFixed(2)}x` : '')).join(' | ')} |`);
}
console.log(`\nRatios: how many times faster (or, for W7, leaner) kiln is; medians of alternating samples in one run (${report.date.slice(0, 10)}, ${report.backend.variant}).`);
