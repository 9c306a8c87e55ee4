// The fuzz engine: a table entry says how to call one public function (or native binding),
// how to make valid arguments, and how each argument slot may be corrupted; the engine turns
// (seed, case index) into one case (valid, one or two slots corrupted, an argument missing, or
// extra arguments) and judges its outcome. Tables live in *-table.ts; runner.ts executes cases
// in a child process and harness.ts collects the results (and any crash) in the test.
import * as fc from 'fast-check';
import { show } from './values';

/** One malformed value for a slot. */
export interface Corruption {
  value: unknown;
  /** How the value was made, for the report ('NaN', 'Float32Array one short', ...). */
  label: string;
  /**
   * True when the value is wrong in itself (wrong type, NaN, out of range, detached), so an
   * error must name this argument. False when it is only inconsistent with the others (a size
   * off by one, a buffer one short): the check that fails may name the other argument.
   */
  strict: boolean;
  /** The names an error about this value must use (default: the slot's name). */
  names?: string[];
}

/** One positional parameter of an entry. */
export interface Slot {
  name: string;
  /** Malformed values for this slot given its valid value; null: the slot is never corrupted. */
  corrupt: ((valid: unknown) => fc.Arbitrary<Corruption>) | null;
  /** Extra names that errors may use for this slot (an options object's keys). */
  names?: string[];
  /** True when leaving the argument out is allowed (it has a default). */
  optional?: boolean;
  /** The sweep's wrong value for this slot [the string 'abc']; a string path takes a number instead. */
  sweep?: unknown;
  /** False for a method's receiver: calling a method on a string is not kiln's to catch. */
  sweepable?: boolean;
}

/** One public function, constructor, method or native binding under test. */
export interface Entry {
  name: string;
  slots: Slot[];
  /** Valid arguments, one per slot (undefined for an optional slot left out). */
  valid: fc.Arbitrary<unknown[]>;
  /** Makes the call; may return a Promise (save, load, fit), which the runner awaits. */
  call: (args: unknown[]) => unknown;
  /** Runs after every case of this entry (e.g. restores the thread count). */
  after?: () => void;
  /** Arguments that 'missing' cases keep (a method's receiver is not an argument one can leave out) [0]. */
  minArgs?: number;
  /** Takes any number of arguments (Sequential's modules): no 'extra' cases. */
  variadic?: boolean;
  /** Errors other than TypeError/RangeError that are this entry's documented behaviour (file-system errors of load). */
  allowError?: (e: Error, c: Case) => boolean;
}

export type Mode = 'valid' | 'slot' | 'slots2' | 'missing' | 'extra';

export interface Case {
  entry: Entry;
  mode: Mode;
  args: unknown[];
  /** The corrupted slots and what they got. */
  corrupted: { slot: number; c: Corruption }[];
  /** For 'missing': the slots left out. */
  missing: number[];
  /** A sweep case: its value is wrong for the slot whatever the others are, so it must be rejected. */
  mustFail?: boolean;
}

/** A case arbitrary per entry: valid arguments, then a mode and the corruptions it needs. */
export function caseArbitrary(entry: Entry): fc.Arbitrary<Case> {
  const corruptible = entry.slots.map((s, i) => (s.corrupt ? i : -1)).filter((i) => i >= 0);
  const extra = fc.array(fc.constantFrom<unknown>(undefined, null, 0, NaN, 'extra', {}, [], -1), { minLength: 1, maxLength: 3 });
  return fc.tuple(entry.valid, fc.integer({ min: 0, max: 99 })).chain(([args, r]): fc.Arbitrary<Case> => {
    const base = { entry, args, corrupted: [], missing: [] };
    if (r < 6 || (corruptible.length === 0 && r >= 12)) return fc.constant({ ...base, mode: 'valid' });
    if (r < 10 && !entry.variadic) return extra.map((more) => ({ ...base, mode: 'extra', args: [...args, ...more] }));
    const minArgs = entry.minArgs ?? 0;
    if (r < 16 && entry.slots.length > minArgs) {
      return fc.integer({ min: minArgs, max: entry.slots.length - 1 }).map((keep) => ({
        ...base,
        mode: 'missing',
        args: args.slice(0, keep),
        missing: entry.slots.map((_, i) => i).filter((i) => i >= keep),
      }));
    }
    if (corruptible.length === 0) return fc.constant({ ...base, mode: 'valid' });
    const one = (slot: number) => entry.slots[slot].corrupt!(args[slot]).map((c) => ({ slot, c }));
    if (r < 26 && corruptible.length >= 2) {
      return fc
        .shuffledSubarray(corruptible, { minLength: 2, maxLength: 2 })
        .chain(([a, b]) => fc.tuple(one(a), one(b)))
        .map((cs) => ({ ...base, mode: 'slots2', args: withCorruptions(args, cs), corrupted: cs }));
    }
    return fc.constantFrom(...corruptible).chain(one).map((c) => ({ ...base, mode: 'slot', args: withCorruptions(args, [c]), corrupted: [c] }));
  });
}

function withCorruptions(args: unknown[], cs: { slot: number; c: Corruption }[]): unknown[] {
  const out = args.slice();
  for (const { slot, c } of cs) out[slot] = c.value;
  return out;
}

/**
 * Case i of a run: first one sweep case per corruptible slot of every entry (that slot given
 * the string 'abc', which no parameter accepts, so the error must name it: this pins each
 * table name to the name the code uses), then random cases, entries in turn.
 */
export function caseAt(entries: Entry[], arbs: fc.Arbitrary<Case>[], seed: number, i: number): Case {
  let k = i;
  for (const entry of entries) {
    for (let s = 0; s < entry.slots.length; s++) {
      if (!entry.slots[s].corrupt || entry.slots[s].sweepable === false) continue;
      if (k-- > 0) continue;
      const args = fc.sample(entry.valid, { seed: caseSeed(seed, i), numRuns: 1 })[0].slice();
      const value = 'sweep' in entry.slots[s] ? entry.slots[s].sweep : 'abc';
      const c: Corruption = { value, label: `${show(value)} (sweep)`, strict: true };
      args[s] = c.value;
      return { entry, mode: 'slot', args, corrupted: [{ slot: s, c }], missing: [], mustFail: true };
    }
  }
  return fc.sample(arbs[k % entries.length], { seed: caseSeed(seed, i), numRuns: 1 })[0];
}

/** The case's seed from the run's seed and its index, so any one case can be regenerated alone. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) | 0;
}

/** A one-line description of a case: the call as written, then what was done to it. */
export function describeCase(c: Case): string {
  const call = `${c.entry.name}(${c.args.map((a) => show(a)).join(', ')})`;
  if (c.mode === 'valid') return `${call}  [valid]`;
  if (c.mode === 'extra') return `${call}  [extra arguments]`;
  if (c.mode === 'missing') return `${call}  [missing ${c.missing.map((i) => c.entry.slots[i].name).join(', ')}]`;
  const what = c.corrupted.map(({ slot, c: k }) => `${c.entry.slots[slot].name} <- ${k.label}${k.strict ? '' : ' (inconsistent)'}`);
  return `${call}  [${what.join('; ')}]`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `message` names `name` as a whole word. The article "a" is not the parameter a:
 * "expected a Float32Array for a" names it once, at "for a".
 */
export function namesArgument(message: string, name: string): boolean {
  const re = new RegExp(`(^|[^A-Za-z0-9_$])${escape(name)}(?=$|[^A-Za-z0-9_$])`, 'g');
  for (const m of message.matchAll(re)) {
    const after = message.slice(m.index! + m[0].length);
    if ((name === 'a' || name === 'A') && /^ (?!to hold|must|,)[A-Za-z(]/.test(after)) continue;
    return true;
  }
  return false;
}

/** Every name an error of this entry may use. */
function allNames(e: Entry): string[] {
  return e.slots.flatMap((s) => [s.name, ...(s.names ?? [])]);
}

export type Outcome = { ok: true } | { ok: false; error: unknown };

/** Null when the outcome is acceptable, else what is wrong with it. */
export function judge(c: Case, out: Outcome): string | null {
  if (out.ok) {
    if (c.mustFail) return `accepted ${c.corrupted.map(({ slot, c: k }) => `${k.label} for ${c.entry.slots[slot].name}`).join(', ')}`;
    return null;
  }
  const e = out.error;
  if (!(e instanceof Error) && !(e !== null && typeof e === 'object' && 'message' in e)) return `threw a non-Error: ${show(e)}`;
  const err = e as Error;
  const text = `${err.name}: ${err.message}`;
  // Surplus arguments are rejected (lib/options.ts expectArity), never dropped: a TypeError
  // naming the arguments, or the options slot when the surplus lands there.
  if (c.mode === 'extra' && err.name === 'TypeError' && /: expected (at most \d+ arguments?|an options object)\b.* for (arguments|options), got /.test(err.message)) return null;
  if (c.mode === 'valid' || c.mode === 'extra') return `a ${c.mode} call threw ${text}`;
  if (err.name !== 'TypeError' && err.name !== 'RangeError') {
    if (c.entry.allowError?.(err, c)) return null;
    return `threw ${text} (expected a TypeError or RangeError)`;
  }
  if (!err.message.startsWith(`${c.entry.name.replace(/^new /, '')}`) && !/^[\w.$[\]' ]+: /.test(err.message)) {
    return `the message does not start with '<where>: ': ${text}`;
  }
  let wanted: string[];
  if (c.mode === 'missing') {
    if (/expected \d+ arguments, got \d+/.test(err.message)) return null;
    wanted = c.missing.flatMap((i) => [c.entry.slots[i].name, ...(c.entry.slots[i].names ?? [])]);
  } else if (c.corrupted.every(({ c: k }) => k.strict)) {
    wanted = c.corrupted.flatMap(({ slot, c: k }) => k.names ?? [c.entry.slots[slot].name]);
  } else {
    wanted = allNames(c.entry);
  }
  if (wanted.some((n) => namesArgument(err.message, n))) return null;
  return `${text} does not name ${wanted.length === 1 ? wanted[0] : `any of ${wanted.join(', ')}`}`;
}
