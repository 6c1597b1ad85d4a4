import type { UiLanguage } from '@parley/protocol';
import type account from './locales/en/account.json';
import type backchannel from './locales/en/backchannel.json';
import type call from './locales/en/call.json';
import type callRoom from './locales/en/call-room.json';
import type common from './locales/en/common.json';
import type errors from './locales/en/errors.json';
import type groups from './locales/en/groups.json';
import type lifecycleUi from './locales/en/lifecycle-ui.json';
import type meetings from './locales/en/meetings.json';
import type signIn from './locales/en/sign-in.json';

/**
 * One JSON file per area per language (locales/<language>/<area>.json); a message's id is `<area>.<key>`, so a
 * feature adds its own file without touching the others'. Messages are ICU MessageFormat.
 */
interface Areas {
  account: typeof account;
  backchannel: typeof backchannel;
  call: typeof call;
  'call-room': typeof callRoom;
  common: typeof common;
  errors: typeof errors;
  groups: typeof groups;
  'lifecycle-ui': typeof lifecycleUi;
  meetings: typeof meetings;
  'sign-in': typeof signIn;
}
export type MessageId = { [A in keyof Areas]: `${A}.${keyof Areas[A] & string}` }[keyof Areas];
export type Messages = Record<string, string>;

const files = import.meta.glob<Record<string, string>>('./locales/*/*.json', { eager: true, import: 'default' });

function collect(): Record<string, Messages> {
  const out: Record<string, Messages> = {};
  for (const [path, entries] of Object.entries(files)) {
    const [, language, area] = /\.\/locales\/([a-z]+)\/([a-z-]+)\.json$/.exec(path) ?? [];
    if (!language || !area) continue;
    out[language] ??= {};
    const messages = out[language];
    for (const [key, text] of Object.entries(entries)) messages[`${area}.${key}`] = text;
  }
  return out;
}

const catalogues = collect();

/** English underneath every language, so a message a translation lacks still reads (the unit test keeps them complete). */
export function messagesFor(language: UiLanguage): Messages {
  return { ...catalogues.en, ...catalogues[language] };
}
