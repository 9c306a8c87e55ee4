// The parent side of the fuzz: runs a table's cases in child processes (runner.ts) so that a
// case that crashes the process is counted and reported with its description, not fatal to
// jest. After a crash a new child resumes from the next case.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Crash {
  index: number;
  case: string;
  how: string;
  /** The end of the child's stderr (an ASan or V8 report, when there is one). */
  stderr: string;
}

export interface Violation {
  index: number;
  case: string;
  problem: string;
}

export interface FuzzResult {
  /** Cases that ran to an outcome, plus those that crashed. */
  cases: number;
  /** Outcome counts: ok, TypeError, RangeError, ... */
  outcomes: Record<string, number>;
  violations: Violation[];
  crashes: Crash[];
  /** Per entry: cases and milliseconds. */
  entries: Record<string, { cases: number; ms: number }>;
  seconds: number;
}

const root = path.resolve(__dirname, '..', '..');

/**
 * Runs cases [0, count) of `table` with `seed`. Children run single-threaded kernels and
 * inherit the environment (so scripts/sanitize.sh's LD_PRELOAD and KILN_BINARY reach them).
 * @param opts.timeoutMs a child that runs longer is killed and its current case reported as a hang
 * @param opts.maxCrashes stop after this many crashes
 */
export function runFuzz(table: string, seed: number, count: number, opts: { timeoutMs?: number; maxCrashes?: number } = {}): FuzzResult {
  const { timeoutMs = 120_000, maxCrashes = 10 } = opts;
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kiln-fuzz-${table}-`));
  const result: FuzzResult = { cases: 0, outcomes: {}, violations: [], crashes: [], entries: {}, seconds: 0 };
  try {
    let start = 0;
    let run = 0;
    while (start < count && result.crashes.length < maxCrashes) {
      const log = path.join(dir, `run-${run++}.log`);
      const child = spawnSync(process.execPath, [path.join(root, 'scripts/run-ts.js'), path.join(__dirname, 'runner.ts'), table, String(seed), String(start), String(count), log], {
        cwd: root,
        env: { ...process.env, KILN_NUM_THREADS: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      });
      const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n') : [];
      let open: { index: number; text: string } | null = null;
      let last = start - 1;
      let done = false;
      let uncaught = '';
      for (const line of lines) {
        if (line.startsWith('C ')) {
          const sp = line.indexOf(' ', 2);
          open = { index: Number(line.slice(2, sp)), text: JSON.parse(line.slice(sp + 1)) as string };
        } else if (line.startsWith('R ')) {
          const sp = line.indexOf(' ', 2);
          const r = JSON.parse(line.slice(sp + 1)) as { e: string; ms: number; out: string; v: string | null };
          const index = Number(line.slice(2, sp));
          result.cases++;
          result.outcomes[r.out] = (result.outcomes[r.out] ?? 0) + 1;
          const e = (result.entries[r.e] ??= { cases: 0, ms: 0 });
          e.cases++;
          e.ms += r.ms;
          if (r.v !== null) result.violations.push({ index, case: open?.text ?? '?', problem: r.v });
          last = index;
          open = null;
        } else if (line.startsWith('U ')) {
          uncaught = JSON.parse(line.slice(2)) as string;
        } else if (line === 'D') {
          done = true;
        }
      }
      if (done && child.status === 0) break;
      const timedOut = (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
      const how = timedOut ? `hang (killed after ${timeoutMs} ms)` : child.signal ? `killed by ${child.signal}` : `exit status ${child.status}`;
      const stderr = crashReport(`${uncaught}\n${child.stderr?.toString() ?? ''}`);
      const index = open ? open.index : last;
      result.cases++;
      result.outcomes.crash = (result.outcomes.crash ?? 0) + 1;
      result.crashes.push({ index, case: open ? open.text : `after case ${last} (between cases)`, how, stderr });
      start = index + 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

/** The telling part of a child's stderr: from a sanitizer's or V8's first report line, a few short lines. */
function crashReport(stderr: string): string {
  const lines = stderr.trim().split('\n');
  let from = lines.findIndex((l) => /ERROR: AddressSanitizer|runtime error:|FATAL ERROR|uncaught exception|unhandled rejection|Segmentation|Abort/.test(l));
  if (from < 0) from = Math.max(0, lines.length - 12);
  return lines
    .slice(from, from + 12)
    .map((l) => (l.length > 200 ? `${l.slice(0, 197)}...` : l))
    .join('\n');
}

/** A report of the failures, for the test's message. */
export function report(r: FuzzResult, limit = 15): string {
  const lines: string[] = [];
  for (const c of r.crashes.slice(0, limit)) lines.push(`CRASH case ${c.index}: ${c.case}\n  ${c.how}\n  ${c.stderr.split('\n').join('\n  ')}`);
  for (const v of r.violations.slice(0, limit)) lines.push(`case ${v.index}: ${v.case}\n  ${v.problem}`);
  const more = r.crashes.length + r.violations.length - lines.length;
  if (more > 0) lines.push(`... and ${more} more`);
  return lines.join('\n');
}

/** One line for the CI log: cases, outcomes, time, the slowest entries. */
export function summary(table: string, seed: number, r: FuzzResult): string {
  const slow = Object.entries(r.entries)
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 3)
    .map(([n, e]) => `${n} ${(e.ms / 1000).toFixed(1)}s`);
  return `fuzz ${table} (seed ${seed}): ${r.cases} cases in ${r.seconds.toFixed(1)}s, ${JSON.stringify(r.outcomes)}, ${r.crashes.length} crashes, ${r.violations.length} violations; slowest: ${slow.join(', ')}`;
}
