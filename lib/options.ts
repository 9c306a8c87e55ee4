// Option-object checks shared by classes that take many options.
import { typeError } from './errors';

/** Rejects option names kiln does not know: a typo such as batch_size would otherwise be silently ignored. */
export function checkOptionNames(where: string, opts: object, names: readonly string[]): void {
  for (const key of Object.keys(opts)) {
    if (!names.includes(key)) throw typeError(where, `an option among ${names.join(', ')}`, 'option name', key);
  }
}
