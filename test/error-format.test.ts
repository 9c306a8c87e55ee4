// The one error format, "<Where>: expected <what> for <name>, got <value>": the helpers in
// lib/errors.ts write it, and lib/ writes no TypeError or RangeError by hand, so no message can
// drift from it (issue 15: "Errors repeat the name", "About 70 throws are written by hand").
import * as fs from 'fs';
import * as path from 'path';
import {
  checkChoice,
  checkInRange,
  rangeError,
  rangeErrorText,
  shapeError,
  typeError,
  typeErrorText,
} from '../lib/errors';
import { expectError } from './helpers';

const LIB = path.join(__dirname, '..', 'lib');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Lines of lib/ (comments aside) that make a TypeError or RangeError without the helpers. */
function handWritten(file: string, text: string): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, at: `${path.relative(LIB, file)}:${i + 1}` }))
    .filter(({ line }) => !/^\s*(\/\/|\*|\/\*)/.test(line) && /\bnew\s+(TypeError|RangeError)\s*\(/.test(line))
    .map(({ line, at }) => `${at}: ${line.trim()}`);
}

describe('lib/ makes its TypeErrors and RangeErrors through lib/errors.ts', () => {
  test('no hand-written new TypeError(...) or new RangeError(...) outside lib/errors.ts', () => {
    const files = sources(LIB).filter((f) => path.relative(LIB, f) !== 'errors.ts');
    expect(files.length).toBeGreaterThan(30);
    const found = files.flatMap((f) => handWritten(f, fs.readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  test('the scan sees a throw and skips comments', () => {
    const src = ['  throw new RangeError(`x: bad`);', ' * @example throw new TypeError(`x`);', '// new RangeError(', 'return new TypeError ("x");'].join('\n');
    expect(handWritten(path.join(LIB, 'a.ts'), src)).toEqual(['a.ts:1: throw new RangeError(`x: bad`);', 'a.ts:4: return new TypeError ("x");']);
  });
});

describe('the helpers write exactly "<Where>: expected <what> for <name>, got <value>"', () => {
  test('typeError and rangeError describe the value', () => {
    const t = typeError('Linear', 'an integer', 'inFeatures', '3');
    expect(t.name).toBe('TypeError');
    expect(t.message).toBe("Linear: expected an integer for inFeatures, got '3'");
    const r = rangeError('Linear', 'a non-negative integer', 'outFeatures', -1);
    expect(r.name).toBe('RangeError');
    expect(r.message).toBe('Linear: expected a non-negative integer for outFeatures, got -1');
  });

  test('typeErrorText, rangeErrorText and shapeError take the value written out', () => {
    const t = typeErrorText('zeros', 'sizes as separate numbers', 'shape', "2, '3'");
    expect([t.name, t.message]).toEqual(['TypeError', "zeros: expected sizes as separate numbers for shape, got 2, '3'"]);
    const r = rangeErrorText('Tensor.t', 'at most 2 dimensions', 'input', 'shape [2, 3, 4]');
    expect([r.name, r.message]).toEqual(['RangeError', 'Tensor.t: expected at most 2 dimensions for input, got shape [2, 3, 4]']);
    const s = shapeError('linear', 'shape [4]', 'bias', [3]);
    expect([s.name, s.message]).toEqual(['RangeError', 'linear: expected shape [4] for bias, got [3]']);
    // Past eight sizes too: a shape is always written out, never "an array of length 9".
    expect(shapeError('f', 'a 2-D tensor', 'weight', [1, 1, 1, 1, 1, 1, 1, 1, 1]).message).toBe('f: expected a 2-D tensor for weight, got [1, 1, 1, 1, 1, 1, 1, 1, 1]');
  });

  test('checkInRange does not repeat the name (was "expected momentum in [0, 1] for momentum")', () => {
    expectError(() => checkInRange('BatchNorm1d', 'momentum', 2, 0, 1), 'RangeError', /^BatchNorm1d: expected a number in \[0, 1\] for momentum, got 2$/);
    expectError(() => checkInRange('LinearLR', 'startFactor', 0, 0, 1, { loOpen: true }), 'RangeError', /^LinearLR: expected a number in \(0, 1\] for startFactor, got 0$/);
    expectError(() => checkInRange('f', 'p', 1, 0, 1, { hiOpen: true }), 'RangeError', /^f: expected a number in \[0, 1\) for p, got 1$/);
    expectError(() => checkInRange('f', 'p', 'x', 0, 1), 'TypeError', /^f: expected a number for p, got 'x'$/);
    expect(checkInRange('f', 'p', 0.5, 0, 1)).toBe(0.5);
  });

  test('checkChoice lists the choices as the what: RangeError for a string, TypeError for anything else', () => {
    expectError(() => checkChoice('init.kaimingUniform', 'mode', 'fanin', ['fan_in', 'fan_out']), 'RangeError', /^init\.kaimingUniform: expected 'fan_in' or 'fan_out' for mode, got 'fanin'$/);
    expectError(() => checkChoice('mseLoss', 'reduction', 1, ['mean', 'sum', 'none']), 'TypeError', /^mseLoss: expected 'mean', 'sum' or 'none' for reduction, got 1$/);
    expectError(() => checkChoice('LBFGS', 'lineSearchFn', 'x', ['strong_wolfe']), 'RangeError', /^LBFGS: expected 'strong_wolfe' for lineSearchFn, got 'x'$/);
    expect(checkChoice('f', 'mode', 'fan_in', ['fan_in', 'fan_out'])).toBe('fan_in');
  });
});
