import { FREE_TEXT_MESSAGE, SINGLE_LINE_MESSAGE } from './common.js';
import { REQUIRED_MESSAGE } from './messages.js';

/**
 * A stable code for each refused field, beside the English sentence (messages.ts): the web says the code in the
 * reader's language, with the limit or the choices as values, and shows the sentence only for a code it lacks.
 */
export interface FieldCode {
  code: string;
  params?: Record<string, string | number | string[]>;
}

/**
 * Every code `fieldCode` gives but `own_words` (a schema's own check, read in its own words); the web's catalogue has
 * a message for each (its unit test checks).
 */
export const FIELD_CODES = [
  'required',
  'type_text',
  'type_number',
  'type_integer',
  'type_boolean',
  'type_list',
  'type_other',
  'empty',
  'too_short',
  'too_long',
  'no_entries',
  'too_few',
  'too_many',
  'too_early',
  'too_late',
  'too_large',
  'number_min',
  'number_above',
  'number_max',
  'number_below',
  'format_email',
  'format_uuid',
  'format_datetime',
  'format_date',
  'format_time',
  'format_url',
  'format_base64',
  'format_pattern',
  'format_other',
  'one_of',
  'unknown_field',
  'multiple_of',
  'invalid',
  'single_line',
  'control_character',
  'colour',
  'short_code',
  'six_digits',
  // Said by the server's own checks rather than a schema.
  'wrong_code',
  'wrong_recovery_code',
  'passkey_refused',
  'end_after_start',
  'day_and_time',
  'at_most_days_after_start',
  'start_in_past',
  'location_needed',
  'back_channel_only',
  'not_in_future',
  'before_meeting_start',
  'to_before_from',
  'owner_only_side_only',
  'side_only_agenda',
  'meeting_owner_side',
  'not_in_agenda',
  'listed_twice',
  'every_item_once',
  'no_such_side',
  'answers_itself',
  'no_such_outcome',
  'shared_names_side_only',
  'answer_circle',
  'no_such_delegate',
  'agenda_item_needs_meeting',
  'no_such_meeting',
  'no_such_agenda_item',
  'track_from_group',
  'track_from_shared',
  'no_such_agency',
  'no_such_invitation',
  'track_needs_parent',
  'no_such_group',
  'track_under_track',
  'parent_only_for_tracks',
  'no_such_membership',
  'no_account_invite',
  'not_in_delegation',
  'no_such_request',
  'no_authenticator_use_passkey',
  'no_authenticator_add_one',
  'ceremony_expired',
  'no_such_passkey',
  'no_such_session',
  'no_such_account',
  'not_in_call',
  'interpreter_taken',
  'no_such_provider',
  'already_registered',
  'email_taken',
  'wrong_current_password',
  'readout_exists',
  'newer_version',
  'answered_by_shared',
  'has_follow_up_track',
  'invitation_used',
  'invitation_expired',
  'invitation_other_email',
  'short_code_taken',
  'already_member',
  'text_changed',
] as const;
export type FieldCodeName = (typeof FIELD_CODES)[number];

/** Messages that schemas set themselves, so the schema keeps its English and the reader gets the code. */
const OWN_MESSAGES: Record<string, FieldCodeName> = {
  [SINGLE_LINE_MESSAGE]: 'single_line',
  [FREE_TEXT_MESSAGE]: 'control_character',
  'must be a #rrggbb colour': 'colour',
  'must be 2–6 capital letters': 'short_code',
  'must be 6 digits': 'six_digits',
};

const TYPES: Record<string, FieldCodeName> = {
  string: 'type_text',
  number: 'type_number',
  int: 'type_integer',
  bigint: 'type_integer',
  boolean: 'type_boolean',
  array: 'type_list',
};

const FORMATS: Record<string, FieldCodeName> = {
  email: 'format_email',
  uuid: 'format_uuid',
  guid: 'format_uuid',
  datetime: 'format_datetime',
  date: 'format_date',
  time: 'format_time',
  url: 'format_url',
  base64: 'format_base64',
  base64url: 'format_base64',
  regex: 'format_pattern',
};

/** The parts of a zod issue (or of fastify's copy of one) that say what was wrong. */
export interface IssueLike {
  code?: string | undefined;
  message?: string | undefined;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  format?: unknown;
  expected?: unknown;
  values?: unknown;
  divisor?: unknown;
}

const num = (v: unknown): number => Number(v);

function small(origin: unknown, minimum: unknown, inclusive: boolean): FieldCode {
  const n = inclusive ? num(minimum) : num(minimum) + 1;
  switch (origin) {
    case 'string':
      return n <= 1 ? { code: 'empty' } : { code: 'too_short', params: { min: n } };
    case 'array':
    case 'set':
      return n <= 1 ? { code: 'no_entries' } : { code: 'too_few', params: { min: n } };
    case 'date':
      return { code: 'too_early' };
    default:
      return { code: inclusive ? 'number_min' : 'number_above', params: { min: num(minimum) } };
  }
}

function big(origin: unknown, maximum: unknown, inclusive: boolean): FieldCode {
  const n = inclusive ? num(maximum) : num(maximum) - 1;
  switch (origin) {
    case 'string':
      return { code: 'too_long', params: { max: n } };
    case 'array':
    case 'set':
      return { code: 'too_many', params: { max: n } };
    case 'file':
      return { code: 'too_large' };
    case 'date':
      return { code: 'too_late' };
    default:
      return { code: inclusive ? 'number_max' : 'number_below', params: { max: num(maximum) } };
  }
}

export function fieldCode(issue: IssueLike): FieldCode {
  const own = issue.message ? OWN_MESSAGES[issue.message] : undefined;
  if (own) return { code: own };
  if (issue.message === REQUIRED_MESSAGE) return { code: 'required' };
  switch (issue.code) {
    case 'invalid_type':
      return { code: TYPES[String(issue.expected)] ?? 'type_other' };
    case 'too_small':
      return small(issue.origin, issue.minimum, issue.inclusive !== false);
    case 'too_big':
      return big(issue.origin, issue.maximum, issue.inclusive !== false);
    case 'invalid_format':
      return { code: FORMATS[String(issue.format)] ?? 'format_other' };
    case 'invalid_value':
      return Array.isArray(issue.values)
        ? { code: 'one_of', params: { values: issue.values.map(String) } }
        : { code: 'invalid' };
    case 'unrecognized_keys':
      return { code: 'unknown_field' };
    case 'custom':
      // A schema's own check with its own words: no general code says it better than they do.
      return { code: 'own_words' };
    case 'not_multiple_of':
      return { code: 'multiple_of', params: { divisor: num(issue.divisor) } };
    default:
      return { code: 'invalid' };
  }
}
