import { DisplayName, FIELD_CODES, fieldCode, Password, ShortCode } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, errorMessage } from '../api/client';
import { schemaProblems } from '../components/forms';
import { fieldMessage, issueMessage, translateFieldErrors } from './field-words';
import { setLanguage } from './intl';
import validation from './locales/en/validation.json';

const Form = z.strictObject({
  email: z.email(),
  displayName: DisplayName,
  password: Password,
  shortCode: ShortCode,
  format: z.enum(['in_person', 'video', 'hybrid']),
  seats: z.number().int().min(1).max(40),
  start: z.iso.datetime({ offset: true }),
});

const codesOf = (value: unknown) => {
  const r = Form.safeParse(value);
  if (r.success) throw new Error('expected a refusal');
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), fieldCode(i)]));
};

describe('field problems are said from a stable code, in the reader’s language', () => {
  it('turns zod issues into codes with their limits and choices', () => {
    expect(
      codesOf({
        email: 'not-an-address',
        displayName: '',
        password: 'short',
        shortCode: 'x',
        format: 'by_pigeon',
        seats: 41,
        start: 'tomorrow',
      }),
    ).toEqual({
      email: { code: 'format_email' },
      displayName: { code: 'empty' },
      password: { code: 'too_short', params: { min: 12 } },
      shortCode: { code: 'short_code' },
      format: { code: 'one_of', params: { values: ['in_person', 'video', 'hybrid'] } },
      seats: { code: 'number_max', params: { max: 40 } },
      start: { code: 'format_datetime' },
    });
    expect(codesOf({ displayName: 'x'.repeat(121) })).toMatchObject({
      email: { code: 'required' },
      displayName: { code: 'too_long', params: { max: 120 } },
      seats: { code: 'required' },
    });
    expect(codesOf({ seats: 0, extra: 1 })).toMatchObject({
      seats: { code: 'number_min', params: { min: 1 } },
      '': { code: 'unknown_field' },
    });
  });

  it('has a message for every code, and none for a code it does not know', () => {
    for (const code of FIELD_CODES) expect(Object.keys(validation), code).toContain(code);
    setLanguage('fr');
    expect(fieldMessage({ code: 'no_such_code' })).toBeNull();
  });

  it('says each code in French, Hebrew and Arabic, plurals and lists included', () => {
    setLanguage('fr');
    expect(fieldMessage({ code: 'too_short', params: { min: 12 } })).toBe('Saisissez au moins 12 caractères.');
    expect(fieldMessage({ code: 'one_of', params: { values: ['video', 'hybrid'] } })).toBe(
      'Choisissez « video » ou « hybrid ».',
    );
    setLanguage('he');
    expect(fieldMessage({ code: 'too_long', params: { max: 2 } })).toBe('שני תווים לכל היותר.');
    expect(fieldMessage({ code: 'too_long', params: { max: 120 } })).toBe('120 תווים לכל היותר.');
    expect(fieldMessage({ code: 'required' })).toBe('זהו שדה חובה.');
    setLanguage('ar');
    expect(fieldMessage({ code: 'too_short', params: { min: 12 } })).toBe('أدخل 12 حرفًا على الأقل.');
    setLanguage('en');
    expect(fieldMessage({ code: 'too_long', params: { max: 1 } })).toBe('Use 1 character at most.');
  });

  it('the browser’s own check and the server’s answer read the same', () => {
    translateFieldErrors();
    setLanguage('fr');
    const local = schemaProblems(Form.pick({ password: true }), { password: 'short' });
    const server = new ApiError(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      errors: [
        { path: 'body.password', message: 'must be at least 12 characters', code: 'too_short', params: { min: 12 } },
      ],
    });
    expect(local).toEqual({ password: 'Saisissez au moins 12 caractères.' });
    expect(server.fields).toEqual(local);
  });

  it('says a route’s own check in the reader’s language where no form field shows it', () => {
    translateFieldErrors();
    setLanguage('fr');
    const order = new ApiError(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'body.itemIds.1: listed twice',
      code: 'bad_request',
      errors: [{ path: 'body.itemIds.1', message: 'listed twice', code: 'listed_twice' }],
    });
    expect(errorMessage(order)).toBe('Cet élément figure deux fois.');
    setLanguage('ar');
    const taken = new ApiError(409, {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      code: 'conflict',
      errors: [
        {
          path: 'body.to',
          message: 'already has an interpreter (Ana)',
          code: 'interpreter_taken',
          params: { name: 'Ana' },
        },
      ],
    });
    expect(errorMessage(taken)).toBe('لهذه اللغة مترجم فوري بالفعل (Ana).');
    setLanguage('en');
    expect(errorMessage(new ApiError(400, { ...order.problem, errors: [{ path: 'body.x', message: 'odd' }] }))).toBe(
      'body.itemIds.1: listed twice',
    );
  });

  it('falls back to the server’s words for a code the catalogue lacks, or none', () => {
    translateFieldErrors();
    setLanguage('he');
    const server = new ApiError(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      errors: [
        { path: 'body.end', message: 'must be after start', code: 'not_yet_known' },
        { path: 'body.location', message: 'needs a location' },
      ],
    });
    expect(server.fields).toEqual({ end: 'must be after start', location: 'needs a location' });
    // A schema's own check keeps its own words rather than a vaguer translated one.
    expect(issueMessage({ code: 'custom', message: 'must differ from language' })).toBe('must differ from language');
    expect(issueMessage({ code: 'invalid_union', message: 'is not in a form that is accepted here' })).toBe(
      'הערך הזה אינו תקין.',
    );
  });
});
