// The seam between the addon and TypeScript: every export is declared once, typed, in
// lib/native-binding.ts (NATIVE_EXPORTS is its run-time list, tied to the interface by the
// compiler), and native/ keeps one kernel, one binding file and one registration per family.
import * as fs from 'fs';
import * as path from 'path';
import { nativePath } from '../lib/native';
import { NATIVE_EXPORTS, NativeBinding } from '../lib/native-binding';

const NATIVE = path.join(__dirname, '..', 'native');
const read = (f: string) => fs.readFileSync(path.join(NATIVE, f), 'utf8');
const declared = Object.keys(NATIVE_EXPORTS).sort();

// Compile-time half (checked by `npm run typecheck`): a name NativeBinding lacks, or one it
// has but the list omits, does not type-check.
type Exhaustive = { readonly [K in keyof NativeBinding]: true };
// @ts-expect-error an export the interface does not declare
void ({ ...NATIVE_EXPORTS, notAnExport: true } satisfies Exhaustive);
const { sgemm: _omitted, ...withoutSgemm } = NATIVE_EXPORTS;
// @ts-expect-error the list must name every declared export
void (withoutSgemm satisfies Exhaustive);

test('the addon exports exactly the names lib/native-binding.ts declares', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(nativePath) as Record<string, unknown>;
  const exported = Object.keys(addon).sort();
  expect(exported.filter((k) => !declared.includes(k))).toEqual([]); // exported, undeclared
  expect(declared.filter((k) => !exported.includes(k))).toEqual([]); // declared, not exported
  // Every export is a function but the one value the addon sets at load.
  expect(exported.filter((k) => typeof addon[k] !== 'function')).toEqual(['mallocTuned']);
  expect(typeof addon.mallocTuned).toBe('boolean');
});

/** addon.cc's registrations by family: `// <what>: binding/<family>.cc` then `exports.Set(...)` lines. */
function registrations(): Map<string, { name: string; fn: string }[]> {
  const families = new Map<string, { name: string; fn: string }[]>();
  let current: { name: string; fn: string }[] | null = null;
  for (const line of read('addon.cc').split('\n')) {
    const family = /^\s*\/\/ .*: binding\/(\w+)\.cc$/.exec(line);
    if (family) families.set(family[1], (current = []));
    const set = /exports\.Set\("(\w+)", Napi::Function::New\(env, kiln::binding::(\w+)\)\)/.exec(line);
    if (set) {
      if (!current) throw new Error(`addon.cc registers ${set[1]} before any family comment`);
      current.push({ name: set[1], fn: set[2] });
    }
  }
  return families;
}

test('addon.cc registers each declared function once, from the binding file of its family', () => {
  const families = registrations();
  const names = [...families.values()].flat().map((r) => r.name);
  expect(names.length).toBe(new Set(names).size);
  expect([...names, 'mallocTuned'].sort()).toEqual(declared);
  const header = read('binding/bindings.h');
  for (const [family, regs] of families) {
    const source = read(`binding/${family}.cc`);
    for (const { name, fn } of regs) {
      expect(fn).toBe(name[0].toUpperCase() + name.slice(1));
      expect(header).toContain(`Napi::Value ${fn}(const Napi::CallbackInfo& info);`);
      expect(source).toMatch(new RegExp(`^Napi::Value ${fn}\\(const Napi::CallbackInfo& info\\) \\{`, 'm'));
      // The binding names itself in its errors as the export is named.
      if (source.includes(`const char* where = "`)) expect(source).toContain(`"${name}"`);
    }
  }
});

test('every kernel family has native/kernels/<family>.{h,cc} and native/binding/<family>.cc', () => {
  // Helpers internal to a family (documented in native/README.md) have no binding.
  const HELPERS = ['norm_common.h', 'scratch.h', 'transpose.h', 'winograd.h', 'winograd.cc'];
  const kernels = fs.readdirSync(path.join(NATIVE, 'kernels')).filter((f) => !HELPERS.includes(f));
  const stems = (ext: string) => kernels.filter((f) => f.endsWith(ext)).map((f) => f.slice(0, -ext.length)).sort();
  expect(stems('.h')).toEqual(stems('.cc'));
  const bindings = fs.readdirSync(path.join(NATIVE, 'binding')).filter((f) => f.endsWith('.cc')).map((f) => f.slice(0, -3));
  // core.cc binds threads and build facts (native/parallel.h), not a kernel.
  expect(bindings.filter((b) => b !== 'core').sort()).toEqual(stems('.cc'));
  expect([...registrations().keys()].sort()).toEqual(bindings.sort());
});
