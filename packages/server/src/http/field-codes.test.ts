import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELD_CODES } from '@parley/protocol';
import { describe, expect, it } from 'vitest';

const MODULES = join(import.meta.dirname, '../modules');
// The key layer's checks are read by the browser's key code, not by a person: they stay English only.
const MACHINE_ONLY = /^keys\//;

function sources(): { file: string; text: string }[] {
  return readdirSync(MODULES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !MACHINE_ONLY.test(f))
    .map((file) => ({ file, text: readFileSync(join(MODULES, file), 'utf8') }));
}

const STRING = String.raw`(?:'[^']*'|"[^"]*"|\`[^\`]*\`)`;
/** Each fieldError(status, path, message, …) call and what follows its message: the code, if any. */
const FIELD_ERROR = new RegExp(
  String.raw`fieldError\(\s*\d+,\s*(?:${STRING}|\w+),\s*${STRING}(\s*,\s*'([a-z_]+)')?`,
  'g',
);
/** A field error written out inside a conflict's `errors`: `{ path: …, message: …, code: … }`. */
const LITERAL_CODE = /\bmessage: [^\n]*?, code: '([a-z_]+)'/g;
const ISSUE_CODE = new RegExp(String.raw`\bissue\(\s*${STRING},\s*${STRING},\s*'([a-z_]+)'`, 'g');

describe('server checks people read', () => {
  it('give every refused field a code the web has words for', () => {
    const missing: string[] = [];
    const unknown: string[] = [];
    let seen = 0;
    for (const { file, text } of sources()) {
      for (const m of text.matchAll(FIELD_ERROR)) {
        seen++;
        if (!m[2]) missing.push(`${file}: ${m[0].replace(/\s+/g, ' ')}`);
        else if (!(FIELD_CODES as readonly string[]).includes(m[2])) unknown.push(`${file}: ${m[2]}`);
      }
      for (const m of [...text.matchAll(LITERAL_CODE), ...text.matchAll(ISSUE_CODE)]) {
        seen++;
        if (!(FIELD_CODES as readonly string[]).includes(m[1]!)) unknown.push(`${file}: ${m[1]}`);
      }
    }
    expect(seen).toBeGreaterThan(60);
    expect(missing).toEqual([]);
    expect(unknown).toEqual([]);
  });
});
