// Duplicate keys in JSON text. JSON.parse keeps the last of two equal keys silently, so a
// file could show one tensor to kiln and another to a reader that keeps the first; the
// safetensors reference implementation rejects such headers, and so does kiln.

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * The first key that appears twice in one object of `text`, or null. `text` must already be
 * valid JSON (JSON.parse accepted it): the scan only tracks strings and nesting. Keys are
 * compared decoded, so "a" and "\u0061" are the same key.
 */
export function findDuplicateKey(text: string): string | null {
  const stack: (Set<string> | null)[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      const raw = text.slice(i, j + 1);
      i = j + 1;
      let k = i;
      while (k < n && isSpace(text.charCodeAt(k))) k++;
      const keys = stack[stack.length - 1];
      if (text.charCodeAt(k) === 0x3a && keys) {
        const key = JSON.parse(raw) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      continue;
    }
    if (c === 0x7b) stack.push(new Set());
    else if (c === 0x5b) stack.push(null);
    else if (c === 0x7d || c === 0x5d) stack.pop();
    i++;
  }
  return null;
}
