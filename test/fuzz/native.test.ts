// Fuzzes every native binding directly with malformed arguments, in child processes: a crash
// (a signal, an abort, an abnormal exit) is reported with the case that caused it. Every
// failure must be a TypeError or RangeError naming the argument as native/binding/*.cc does.
import { native } from '../../lib/native';
import { NATIVE_TABLE } from './native-table';
import { report, runFuzz, summary } from './harness';

// Seeded so that a failure replays; FUZZ_SEED explores other cases, FUZZ_CASES runs more.
const SEED = Number(process.env.FUZZ_SEED ?? 0x6b696c6e);
const CASES = Number(process.env.FUZZ_CASES ?? 10000);

test('every native binding has a fuzz entry (a new binding must add one), and every entry a binding', () => {
  // Only functions are bindings: the addon also exports plain values (mallocTuned, a boolean
  // saying whether the allocator was tuned at load), which take no arguments to fuzz.
  const addon = native as unknown as Record<string, unknown>;
  const bindings = Object.keys(addon).filter((k) => typeof addon[k] === 'function').sort();
  const entries = NATIVE_TABLE.map((e) => e.name).sort();
  expect(bindings.filter((b) => !entries.includes(b))).toEqual([]);
  expect(entries.filter((e) => !bindings.includes(e))).toEqual([]);
});

test(`native bindings: ${CASES} malformed calls, no crash, every error a TypeError/RangeError naming its argument`, () => {
  const r = runFuzz('native', SEED, CASES);
  console.log(summary('native', SEED, r));
  if (r.crashes.length || r.violations.length) throw new Error(`native fuzz (seed ${SEED}):\n${report(r)}`);
  expect(r.cases).toBeGreaterThanOrEqual(CASES);
  // The errors are most outcomes, but valid calls also pass through to the kernels.
  expect(r.outcomes.ok).toBeGreaterThan(CASES / 20);
  expect((r.outcomes.TypeError ?? 0) + (r.outcomes.RangeError ?? 0)).toBeGreaterThan(CASES / 3);
}, 180_000);
