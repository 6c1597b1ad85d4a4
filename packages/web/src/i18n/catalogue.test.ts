import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { createIntl, type IntlShape } from 'react-intl';
import { describe, expect, it, type MockInstance, vi } from 'vitest';
import { type MessageId, messagesFor } from './catalogue';
import { formatIn } from './intl';

const root = join(import.meta.dirname, 'locales');
const src = join(import.meta.dirname, '..');
const languages = readdirSync(root).sort();
const areas = (language: string) =>
  readdirSync(join(root, language))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
const read = (language: string, area: string): Record<string, string> =>
  JSON.parse(readFileSync(join(root, language, `${area}.json`), 'utf8'));

/** Every argument and tag a message uses (`{count}`, `{n, number}`, `<link>…</link>`), as a sorted list. */
function argumentsOf(elements: MessageFormatElement[], out = new Set<string>()): string[] {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) {
      out.add(e.value);
    } else if (e.type === TYPE.plural || e.type === TYPE.select) {
      out.add(e.value);
      for (const option of Object.values(e.options)) argumentsOf(option.value, out);
    } else if (e.type === TYPE.tag) {
      out.add(`<${e.value}>`);
      argumentsOf(e.children, out);
    }
  }
  return [...out].sort();
}

const sample = (names: string[]) =>
  Object.fromEntries(
    names.map((n) => [n.startsWith('<') ? n.slice(1, -1) : n, n.startsWith('<') ? (c: unknown) => c : 3]),
  );

describe('the message catalogues', () => {
  it('hold English, French, Hebrew and Arabic, each with the same areas', () => {
    expect(languages).toEqual(['ar', 'en', 'fr', 'he']);
    for (const language of languages) expect(areas(language), language).toEqual(areas('en'));
  });

  for (const language of languages) {
    for (const area of areas('en')) {
      it(`${language}/${area}: every English key, no other, each a message that parses and formats`, () => {
        const english = read('en', area);
        const messages = read(language, area);
        expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort());
        for (const [key, text] of Object.entries(messages)) {
          const where = `${language}/${area}.${key}`;
          expect(text.trim(), where).not.toBe('');
          const ast = parse(text);
          // The same placeholders as English: a translation that drops `{count}` or renames a tag would show wrong.
          expect(argumentsOf(ast), where).toEqual(argumentsOf(parse(english[key]!)));
          const names = argumentsOf(ast);
          expect(() => new IntlMessageFormat(text, language).format(sample(names)), where).not.toThrow();
          // Translated, not copied: only names, codes and symbols may read the same as English.
          if (language !== 'en' && text === english[key] && /[a-z]{4,}/.test(text) && !SAME_IN_ALL.has(key)) {
            if (language !== 'fr' || !SAME_IN_FRENCH.has(`${area}.${key}`)) throw new Error(`${where} is English`);
          }
        }
      });
    }
  }

  /** Every message of every language, with that language's formatter and a spy on react-intl's own formatting. */
  function eachMessage(check: (m: { intl: IntlShape; asked: MockInstance; id: MessageId; names: string[] }) => void) {
    for (const language of languages) {
      const messages = messagesFor(language as 'en');
      const intl = createIntl({ locale: language, defaultLocale: 'en', messages, onError: () => {} });
      const asked = vi.spyOn(intl, 'formatMessage');
      for (const [id, text] of Object.entries(messages))
        check({ intl, asked, id: id as MessageId, names: argumentsOf(parse(text)) });
    }
  }

  it('formats every message with values as react-intl does, from the format parsed once', () => {
    eachMessage(({ intl, asked, id, names }) => {
      // Messages with tags are for <FormattedMessage>; useT and t format plain values.
      if (names.length === 0 || names.some((n) => n.startsWith('<'))) return;
      const values = Object.fromEntries(names.map((n) => [n, 3]));
      const expected = intl.formatMessage({ id }, values);
      asked.mockClear();
      // Twice: the second call takes the kept format. Neither goes through react-intl's own memo.
      expect(formatIn(intl, id, values), `${intl.locale}/${id}`).toBe(expected);
      expect(formatIn(intl, id, values), `${intl.locale}/${id}`).toBe(expected);
      expect(asked, `${intl.locale}/${id}`).not.toHaveBeenCalled();
    });
  });

  it('formats every message without values as react-intl does, once per formatter', () => {
    eachMessage(({ intl, asked, id, names }) => {
      if (names.length > 0) return;
      asked.mockClear();
      const first = formatIn(intl, id);
      expect(asked, `${intl.locale}/${id}`).toHaveBeenCalledTimes(1);
      expect(first, `${intl.locale}/${id}`).toBe(asked.mock.results[0]?.value);
      // The second call is the kept text: react-intl is not asked again.
      expect(formatIn(intl, id), `${intl.locale}/${id}`).toBe(first);
      expect(asked, `${intl.locale}/${id}`).toHaveBeenCalledTimes(1);
    });
  });

  it('plural messages offer `other`, and Hebrew and Arabic say two in their own form', () => {
    for (const language of languages) {
      for (const area of areas('en')) {
        for (const [key, text] of Object.entries(read(language, area))) {
          const walk = (elements: MessageFormatElement[]) => {
            for (const e of elements) {
              if (e.type !== TYPE.plural) continue;
              expect(Object.keys(e.options), `${language}/${area}.${key}`).toContain('other');
              if (language === 'he' || language === 'ar') expect(Object.keys(e.options)).toContain('two');
              for (const option of Object.values(e.options)) walk(option.value);
            }
          };
          walk(parse(text));
        }
      }
    }
  });

  it('has a message for every id the web app asks for', () => {
    const english = new Set(areas('en').flatMap((area) => Object.keys(read('en', area)).map((k) => `${area}.${k}`)));
    const used = new Set<string>();
    const scan = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) scan(path);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
          const text = readFileSync(path, 'utf8');
          for (const m of text.matchAll(/\bt\('([a-z-]+\.[A-Za-z_]+)'|\bid="([a-z-]+\.[A-Za-z_]+)"/g)) {
            used.add((m[1] ?? m[2])!);
          }
        }
      }
    };
    scan(src);
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((id) => !english.has(id))).toEqual([]);
  });
});

/** Keys whose text is a name or symbol in every language. */
const SAME_IN_ALL = new Set<string>([]);
/** French shares these words with English. */
const SAME_IN_FRENCH = new Set([
  'common.menu',
  'common.administration',
  'call.microphone',
  'call.microphoneN',
  'call-room.messages',
  'backchannel.message',
  'meetings.format',
  'meetings.kind_action',
  'sign-in.or',
  'admin.instance',
  'admin.actions',
  'admin.description',
  'admin.clientShort',
  'delegation.actions',
  'security.actions',
  'agenda.notes',
  'outcomes.actions',
  'readouts.versions',
  'readouts.versionShort',
  'tracks.experts',
  'tracks.experts_count',
]);
