import { type FieldCode, fieldCode, type IssueLike } from '@parley/protocol';
import { setFieldWords } from '../api/client';
import type { MessageId } from './catalogue';
import { locale, t } from './intl';
import validation from './locales/en/validation.json';

/** The choices of a `one_of` field as the reader's language lists them: “video” or “hybrid”. */
function choices(values: readonly string[]): string {
  const quoted = values.map((v) => t('validation.quoted', { value: v }));
  try {
    return new Intl.ListFormat(locale(), { type: 'disjunction' }).format(quoted);
  } catch {
    return quoted.join(', ');
  }
}

/** A field's problem in the reader's language from its stable code, or null when the catalogue has no such code. */
export function fieldMessage({ code, params = {} }: FieldCode): string | null {
  if (!Object.hasOwn(validation, code)) return null;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) values[name] = Array.isArray(value) ? choices(value) : value;
  return t(`validation.${code}` as MessageId, values);
}

/** A zod issue found in the browser, said the way the server's answer would be: same code, same words. */
export const issueMessage = (issue: IssueLike): string => fieldMessage(fieldCode(issue)) ?? issue.message ?? '';

export function translateFieldErrors(): void {
  setFieldWords((code, params) => fieldMessage({ code, params }));
}
