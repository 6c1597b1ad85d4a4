import type { IssueLike } from '@parley/protocol';
import { type InputHTMLAttributes, type ReactNode, useCallback, useId, useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { issueMessage } from '../i18n/field-words';
import { t } from '../i18n/intl';

/** A submit refused before it left the browser, with a message for each field (all of them, not the first). */
export class FieldProblems extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(t('validation.correctFields'));
  }
}

/** Any protocol schema (structurally: the web does not depend on zod itself). */
interface Checkable {
  safeParse(value: unknown):
    | { success: true }
    | {
        success: false;
        error: {
          issues: readonly (IssueLike & { code: string; path: PropertyKey[]; message: string })[];
        };
      };
}

/**
 * Every problem the protocol's schema finds in `value`, keyed by field (`start`, `items.0.title`): the same codes
 * the server would answer, said in the reader's language, shown before a round trip and all at once.
 */
export function schemaProblems(schema: Checkable, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const result = schema.safeParse(value);
  if (result.success) return out;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') continue;
    out[issue.path.map(String).join('.')] ??= issueMessage(issue);
  }
  return out;
}

/** Throws the problems found, if any, so `useAction` shows them beside their fields. */
export function refuseIfAny(problems: Record<string, string | undefined>): void {
  const found = Object.fromEntries(Object.entries(problems).filter((e): e is [string, string] => Boolean(e[1])));
  if (Object.keys(found).length > 0) throw new FieldProblems(found);
}

/** Busy flag, form-level message and per-field messages for one form's submit action. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      return await fn();
    } catch (err) {
      const f = err instanceof ApiError || err instanceof FieldProblems ? err.fields : {};
      setFields(f);
      // When every problem is shown beside its field, a short summary is enough at the top.
      setError(Object.keys(f).length > 0 ? t('validation.correctFields') : errorMessage(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setFields({});
  }, []);
  return { busy, error, fields, run, reset, setError };
}

interface BaseFieldProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
}

/** How much of a text field's limit is used; shown under every limited field so nobody learns it from a refusal. */
export interface FieldLimit {
  length: number;
  max: number;
}

export function limitText({ length, max }: FieldLimit): string {
  if (length === 0) return t('common.charactersAtMost', { max });
  return t('common.charactersOf', { length, max });
}

/** Label, hint and error around any control: every field of every form uses this one shell. */
export function FieldShell({
  id,
  label,
  error,
  hint,
  className,
  children,
  limit,
}: BaseFieldProps & { id: string; children: ReactNode; limit?: FieldLimit | undefined }) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint || error || limit ? (
        <div className="field__notes">
          {error ? (
            <p className="field__error" id={`${id}-error`} role="alert">
              {sentence(error)}
            </p>
          ) : hint ? (
            <p className="field__hint" id={`${id}-hint`}>
              {hint}
            </p>
          ) : (
            <span />
          )}
          {limit ? (
            <p
              className={`field__limit${limit.length > limit.max ? ' field__limit--over' : ''}`}
              id={`${id}-limit`}
              data-testid="field-limit"
            >
              {limitText(limit)}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function describedBy(id: string, error?: string, hint?: ReactNode, limited?: boolean) {
  const ids = [error ? `${id}-error` : hint ? `${id}-hint` : null, limited ? `${id}-limit` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

type InputProps = BaseFieldProps &
  Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> & {
    value: string;
    onChange: (value: string) => void;
  };

export function TextField({ label, error, hint, className, value, onChange, maxLength, ...rest }: InputProps) {
  const id = useId();
  const limit = maxLength ? { length: value.length, max: maxLength } : undefined;
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} className={className} limit={limit}>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint, Boolean(limit))}
        maxLength={maxLength}
        {...rest}
      />
    </FieldShell>
  );
}

type SelectProps = BaseFieldProps & {
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  name?: string;
  disabled?: boolean;
};

export function SelectField({ label, error, hint, className, value, onChange, options, ...rest }: SelectProps) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} className={className}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({
  label,
  checked,
  onChange,
  hint,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field field--check">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function FormAlert({
  message,
  tone = 'error',
}: {
  message: string | null;
  tone?: 'error' | 'success' | 'info';
}) {
  if (!message) return null;
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {message}
    </div>
  );
}

/** Server messages are terse lower-case phrases ("already registered"); show them as sentences. */
function sentence(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
