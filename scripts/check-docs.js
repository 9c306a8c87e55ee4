#!/usr/bin/env node
// Checks what TypeDoc's own validation does not: every exported function, class and method
// has a summary and an `@example`. TypeDoc (validation.notDocumented) only asks for *some*
// comment; the house style (shared/STYLE.md) asks for one example per class, function and
// method, so this reads the JSON model TypeDoc writes next to the HTML (typedoc.json's `json`)
// and lists every declaration that lacks either.
//
// Checked: functions (any of their signatures), classes (the class comment or a constructor
// signature's), and the public methods of classes. Methods that users implement rather than
// call (the members of an interface such as Dataset or Callback, and protected hooks such as
// a scheduler's lrAt) need a summary only: the example belongs to the interface or class that
// shows how to implement them. Not checked: members inherited unchanged from a base class
// (the base is checked where it is declared), accessors (`get length()`: a summary is enough,
// and TypeDoc already demands one), properties, types and interfaces themselves. An override
// without a comment of its own shows its base's comment, as TypeDoc renders it, and passes
// when that does.
//
// Usage: node scripts/check-docs.js [path/to/typedoc.json] (default docs/api/kiln.json, as
// typedoc.json writes it). `npm run docs` runs TypeDoc and then this. Exit status 1 and one
// line per problem when anything is missing, 2 when the JSON cannot be read.
'use strict';

const fs = require('fs');
const path = require('path');

// TypeDoc's ReflectionKind values (typedoc/dist/lib/models/kind.d.ts).
const Kind = {
  Project: 0x1,
  Module: 0x2,
  Namespace: 0x4,
  Function: 0x40,
  Class: 0x80,
  Interface: 0x100,
  Constructor: 0x200,
  Method: 0x800,
};
const KIND_NAME = { [Kind.Function]: 'function', [Kind.Class]: 'class', [Kind.Method]: 'method' };

function summaryText(comment) {
  if (!comment || !Array.isArray(comment.summary)) return '';
  return comment.summary.map((part) => part.text ?? '').join('').trim();
}

function hasExample(comment) {
  return !!comment && Array.isArray(comment.blockTags) && comment.blockTags.some((t) => t.tag === '@example' && t.content.some((c) => (c.text ?? '').trim()));
}

/** What `comments` (those a declaration shows: its own, its signatures') lack: 'summary', '@example'. */
function missing(comments) {
  const present = comments.filter(Boolean);
  const out = [];
  if (!present.some((c) => summaryText(c))) out.push('summary');
  if (!present.some(hasExample)) out.push('@example');
  return out;
}

function check(project) {
  const files = project.symbolIdMap ?? {};
  const fileOf = (r) => files[r.id]?.packagePath ?? files[r.signatures?.[0]?.id]?.packagePath ?? '?';
  const problems = [];
  const report = (r, name, kind, lacks) => {
    if (lacks.length) problems.push({ file: fileOf(r), name, kind, lacks });
  };
  const inherited = (r) => r.inheritedFrom !== undefined || (r.signatures ?? []).some((s) => s.inheritedFrom !== undefined);

  const visitMembers = (owner, prefix, implemented) => {
    for (const m of owner.children ?? []) {
      if (m.kind !== Kind.Method || inherited(m) || m.flags?.isPrivate) continue;
      let lacks = missing([m.comment, ...(m.signatures ?? []).map((s) => s.comment)]);
      if (implemented || m.flags?.isProtected) lacks = lacks.filter((l) => l === 'summary');
      report(m, `${prefix}.${m.name}`, 'method', lacks);
    }
  };

  const visit = (node, prefix) => {
    for (const r of node.children ?? []) {
      const name = prefix ? `${prefix}.${r.name}` : r.name;
      switch (r.kind) {
        case Kind.Module:
        case Kind.Namespace:
          visit(r, name);
          break;
        case Kind.Function:
          report(r, name, KIND_NAME[r.kind], missing([r.comment, ...(r.signatures ?? []).map((s) => s.comment)]));
          break;
        case Kind.Class: {
          const ctor = (r.children ?? []).find((c) => c.kind === Kind.Constructor);
          report(r, name, KIND_NAME[r.kind], missing([r.comment, ...(ctor?.signatures ?? []).map((s) => s.comment)]));
          visitMembers(r, name, false);
          break;
        }
        case Kind.Interface:
          visitMembers(r, name, true);
          break;
        default:
          break;
      }
    }
  };
  visit(project, '');
  return problems;
}

function main() {
  const file = process.argv[2] ?? path.join(__dirname, '..', 'docs', 'api', 'kiln.json');
  let project;
  try {
    project = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`check-docs: cannot read TypeDoc's JSON at ${file} (${e.message}); run \`npx typedoc\` first (typedoc.json writes it)`);
    process.exit(2);
  }
  const problems = check(project);
  if (problems.length === 0) {
    console.log('check-docs: every exported function, class and method has a summary and an @example');
    return;
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
  for (const p of problems) console.error(`${p.file}: ${p.name} (${p.kind}) lacks ${p.lacks.join(' and ')}`);
  const byFile = new Map();
  for (const p of problems) byFile.set(p.file, (byFile.get(p.file) ?? 0) + 1);
  console.error(`check-docs: ${problems.length} declaration(s) lack a summary or an @example, in ${byFile.size} file(s)`);
  process.exit(1);
}

if (require.main === module) main();
module.exports = { check };
