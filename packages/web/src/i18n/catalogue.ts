import type { UiLanguage } from '@parley/protocol';
import type account from './locales/en/account.json';
import type admin from './locales/en/admin.json';
import type agenda from './locales/en/agenda.json';
import type backchannel from './locales/en/backchannel.json';
import type call from './locales/en/call.json';
import type callRoom from './locales/en/call-room.json';
import type common from './locales/en/common.json';
import type delegation from './locales/en/delegation.json';
import type errors from './locales/en/errors.json';
import type groups from './locales/en/groups.json';
import type invite from './locales/en/invite.json';
import type lifecycleUi from './locales/en/lifecycle-ui.json';
import type meetings from './locales/en/meetings.json';
import type negotiation from './locales/en/negotiation.json';
import type outcomes from './locales/en/outcomes.json';
import type readouts from './locales/en/readouts.json';
import type security from './locales/en/security.json';
import type signIn from './locales/en/sign-in.json';
import type statements from './locales/en/statements.json';
import type tracks from './locales/en/tracks.json';
import type validation from './locales/en/validation.json';

/**
 * One JSON file per area per language (locales/<language>/<area>.json); a message's id is `<area>.<key>`, so a
 * feature adds its own file without touching the others'. Messages are ICU MessageFormat.
 */
interface Areas {
  account: typeof account;
  admin: typeof admin;
  agenda: typeof agenda;
  backchannel: typeof backchannel;
  'call-room': typeof callRoom;
  call: typeof call;
  common: typeof common;
  delegation: typeof delegation;
  errors: typeof errors;
  groups: typeof groups;
  invite: typeof invite;
  'lifecycle-ui': typeof lifecycleUi;
  meetings: typeof meetings;
  negotiation: typeof negotiation;
  outcomes: typeof outcomes;
  readouts: typeof readouts;
  security: typeof security;
  'sign-in': typeof signIn;
  statements: typeof statements;
  tracks: typeof tracks;
  validation: typeof validation;
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
