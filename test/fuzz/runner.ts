// The fuzz child process: runs cases [start, end) of one table and logs each to a file, the
// description BEFORE the call and the result after, with synchronous writes, so that if a
// case kills the process (a signal, an abort, an out-of-memory exit) the parent knows which.
//   node scripts/run-ts.js test/fuzz/runner.ts <table> <seed> <start> <end> <log file>
import * as fs from 'fs';
import { caseArbitrary, caseAt, describeCase, judge, Outcome } from './engine';
import { TABLES } from './tables';

async function main(): Promise<void> {
  const [table, seedArg, startArg, endArg, log] = process.argv.slice(2);
  const entries = TABLES[table]();
  const arbs = entries.map(caseArbitrary);
  const seed = Number(seedArg);
  const fd = fs.openSync(log, 'a');
  const write = (line: string) => fs.writeSync(fd, `${line}\n`);
  // An exception that escapes a case asynchronously would take a service down too.
  const fatal = (kind: string) => (e: unknown) => {
    write(`U ${JSON.stringify(`${kind}: ${e instanceof Error ? e.stack : String(e)}`)}`);
    process.exit(70);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));
  for (let i = Number(startArg); i < Number(endArg); i++) {
    const c = caseAt(entries, arbs, seed, i);
    write(`C ${i} ${JSON.stringify(describeCase(c))}`);
    const t0 = performance.now();
    let out: Outcome;
    try {
      const r = c.entry.call(c.args) as { then?: unknown } | undefined;
      if (r !== null && r !== undefined && typeof r.then === 'function') await r;
      out = { ok: true };
    } catch (error) {
      out = { ok: false, error };
    }
    c.entry.after?.();
    const kind = out.ok ? 'ok' : out.error instanceof Error ? out.error.name : typeof out.error;
    write(`R ${i} ${JSON.stringify({ e: c.entry.name, ms: +(performance.now() - t0).toFixed(3), out: kind, v: judge(c, out) })}`);
  }
  write('D');
}

void main();
