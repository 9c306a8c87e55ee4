// scripts/check-docs.js: the @example / summary check run by `npm run docs` after TypeDoc.
// It reads TypeDoc's JSON model; these tests feed it small hand-made models in that format
// (kinds as typedoc's ReflectionKind: Namespace 4, Function 64, Class 128, Interface 256,
// Constructor 512, Method 2048, Accessor 262144).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { check } = require('../scripts/check-docs.js') as { check: (project: unknown) => { file: string; name: string; kind: string; lacks: string[] }[] };

type Comment = { summary: { kind: string; text: string }[]; blockTags?: { tag: string; content: { kind: string; text: string }[] }[] };

let nextId = 1;
function comment(summary: string, example?: string): Comment {
  const c: Comment = { summary: summary ? [{ kind: 'text', text: summary }] : [] };
  if (example !== undefined) c.blockTags = [{ tag: '@example', content: [{ kind: 'code', text: example }] }];
  return c;
}
function fn(name: string, c?: Comment) {
  return { id: nextId++, name, kind: 64, signatures: [{ id: nextId++, name, kind: 4096, comment: c }] };
}
function method(name: string, c?: Comment, extra: Record<string, unknown> = {}) {
  return { id: nextId++, name, kind: 2048, flags: {}, signatures: [{ id: nextId++, name, kind: 4096, comment: c }], ...extra };
}
function project(children: unknown[]) {
  return { id: 0, name: 'kiln', kind: 1, children, symbolIdMap: {} };
}
const names = (p: unknown) => check(p).map((x) => `${x.name}: ${x.lacks.join('+')}`);

describe('check-docs', () => {
  test('a function with a summary and an example passes; without either it is listed', () => {
    const p = project([fn('good', comment('Does it.', '```ts\ngood();\n```')), fn('noExample', comment('Does it.')), fn('bare')]);
    expect(names(p)).toEqual(['noExample: @example', 'bare: summary+@example']);
  });

  test('an @example tag with no code counts as missing', () => {
    expect(names(project([fn('empty', comment('Does it.', '  '))]))).toEqual(['empty: @example']);
  });

  test('namespaces are walked and names are dotted', () => {
    const p = project([{ id: nextId++, name: 'nn', kind: 4, children: [{ id: nextId++, name: 'functional', kind: 4, children: [fn('relu', comment('max(0, x).'))] }] }]);
    expect(names(p)).toEqual(['nn.functional.relu: @example']);
  });

  test("a class passes on its own comment or its constructor's; its public methods are checked", () => {
    const ctor = { id: nextId++, name: 'constructor', kind: 512, signatures: [{ id: nextId++, name: 'B', kind: 16384, comment: comment('Makes a B.', 'new B();') }] };
    const p = project([
      { id: nextId++, name: 'A', kind: 128, comment: comment('An A.', 'new A();'), children: [method('run', comment('Runs.', 'a.run();')), method('stop', comment('Stops.'))] },
      { id: nextId++, name: 'B', kind: 128, children: [ctor] },
      { id: nextId++, name: 'C', kind: 128, comment: comment('A C.') },
    ]);
    expect(names(p)).toEqual(['A.stop: @example', 'C: @example']);
  });

  test('inherited methods, accessors, and private members are not checked', () => {
    const p = project([
      {
        id: nextId++,
        name: 'Linear',
        kind: 128,
        comment: comment('A layer.', 'new Linear(2, 3);'),
        children: [
          method('parameters', undefined, { inheritedFrom: { type: 'reference', name: 'Module.parameters' } }),
          { id: nextId++, name: 'length', kind: 262144, getSignature: { id: nextId++, name: 'length', kind: 524288, comment: comment('How many.') } },
          method('secret', undefined, { flags: { isPrivate: true } }),
        ],
      },
    ]);
    expect(names(p)).toEqual([]);
  });

  test('interface methods and protected methods need a summary only', () => {
    const p = project([
      { id: nextId++, name: 'Callback', kind: 256, children: [method('onEpochEnd', comment('After each epoch.')), method('onTrainEnd')] },
      { id: nextId++, name: 'Sched', kind: 128, comment: comment('A schedule.', 'new Sched();'), children: [method('lrAt', comment('The rate at t.'), { flags: { isProtected: true } }), method('hook', undefined, { flags: { isProtected: true } })] },
    ]);
    expect(names(p)).toEqual(['Callback.onTrainEnd: summary', 'Sched.hook: summary']);
  });

  test('each problem names the source file from symbolIdMap', () => {
    const f = fn('relu');
    const p = { ...project([f]), symbolIdMap: { [f.id]: { packageName: 'kiln', packagePath: 'lib/nn/functional/activation.ts', qualifiedName: 'relu' } } };
    expect(check(p)[0].file).toBe('lib/nn/functional/activation.ts');
  });
});
