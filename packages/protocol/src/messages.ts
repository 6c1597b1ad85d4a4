import { z } from 'zod';

/**
 * What people read when a value is refused, for every schema of the protocol: the server answers these per field
 * and the web shows them beside the field. Phrased like the schemas' own messages (lower case, completing
 * "<field> …"); a message a schema sets itself always wins over these (zod asks this map only when there is none).
 */
type Issue = z.core.$ZodRawIssue;

/** Said of a field left out; field-codes.ts knows it by these words. */
export const REQUIRED_MESSAGE = 'is required';

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
  bigint: 'a whole number',
  null: 'empty',
};

const FORMATS: Record<string, string> = {
  email: 'must be an email address such as name@example.org',
  uuid: 'must be an identifier (a UUID)',
  guid: 'must be an identifier (a UUID)',
  datetime: 'must be a date and time with its offset, such as 2026-12-01T10:00:00Z',
  date: 'must be a date such as 2026-12-01',
  time: 'must be a time such as 10:00',
  url: 'must be a web address such as https://example.org',
  base64: 'must be base64 text',
  base64url: 'must be base64url text',
  regex: 'contains characters or a form that is not allowed here',
};

const plural = (n: number | bigint, one: string, many = `${one}s`) => `${n} ${Number(n) === 1 ? one : many}`;

function quoted(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? `“${v}”` : String(v)));
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

function tooSmall(origin: string, minimum: number | bigint, inclusive: boolean): string {
  const n = inclusive ? minimum : Number(minimum) + 1;
  switch (origin) {
    case 'string':
      return Number(n) <= 1 ? 'must not be empty' : `must be at least ${plural(n, 'character')}`;
    case 'array':
    case 'set':
      return Number(n) <= 1 ? 'must have at least one entry' : `must have at least ${plural(n, 'entry', 'entries')}`;
    case 'date':
      return 'is too early';
    default:
      return inclusive ? `must be ${String(minimum)} or more` : `must be more than ${String(minimum)}`;
  }
}

function tooBig(origin: string, maximum: number | bigint, inclusive: boolean): string {
  const n = inclusive ? maximum : Number(maximum) - 1;
  switch (origin) {
    case 'string':
      return `must be ${plural(n, 'character')} at most`;
    case 'array':
    case 'set':
      return `must have ${plural(n, 'entry', 'entries')} at most`;
    case 'file':
      return 'is too large';
    case 'date':
      return 'is too late';
    default:
      return inclusive ? `must be ${String(maximum)} or less` : `must be less than ${String(maximum)}`;
  }
}

/** The person-facing message for one zod issue (the shape zod hands its error maps). */
export function humanIssue(issue: Issue): string {
  // A missing field fails as a wrong type or as no allowed value: either way the person left it out.
  if (issue.input === undefined && ['invalid_type', 'invalid_value', 'invalid_format'].includes(issue.code ?? ''))
    return REQUIRED_MESSAGE;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return tooSmall(issue.origin, issue.minimum, issue.inclusive !== false);
    case 'too_big':
      return tooBig(issue.origin, issue.maximum, issue.inclusive !== false);
    case 'invalid_format':
      return FORMATS[issue.format] ?? `must be a valid ${issue.format.replace(/_/g, ' ')}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${quoted(issue.values)}` : `must be one of ${quoted(issue.values)}`;
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'is an unknown field' : 'has unknown fields'}: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an entry that is not valid';
    case 'invalid_union':
      return 'is not in a form that is accepted here';
    default:
      return 'is not valid';
  }
}

// Every parse anywhere (server routes, the web's forms, the CLI) goes through the same map.
z.config({ customError: humanIssue });
