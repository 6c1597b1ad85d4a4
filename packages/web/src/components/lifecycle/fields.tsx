import { type ReactNode, type TextareaHTMLAttributes, useId } from 'react';
import { useT } from '../../i18n/I18nProvider';
import { describedBy, FieldShell } from '../forms';
import { allZones, zoneLabel } from './time';

export function TextAreaField({
  label,
  error,
  hint,
  className,
  value,
  onChange,
  maxLength,
  ...rest
}: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  value: string;
  onChange: (v: string) => void;
} & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  const id = useId();
  const limit = maxLength ? { length: value.length, max: maxLength } : undefined;
  return (
    <FieldShell id={id} label={label} error={error} hint={hint} className={className} limit={limit}>
      <textarea
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

/** Free typing with suggestions from every zone the browser knows; the server checks the name again. */
export function TimeZoneField({
  label,
  value,
  onChange,
  error,
}: {
  label?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  const t = useT();
  const id = useId();
  const listId = `${id}-zones`;
  const known = allZones().includes(value);
  const hint = known ? t('lifecycle-ui.zoneHint', { zone: zoneLabel(value) }) : t('lifecycle-ui.zoneTypeHint');
  const shown = error ?? (value && !known ? t('lifecycle-ui.zoneUnknown') : undefined);
  return (
    <FieldShell id={id} label={label ?? t('lifecycle-ui.timeZone')} error={shown} hint={hint}>
      <input
        id={id}
        list={listId}
        value={value}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={shown ? true : undefined}
        aria-describedby={describedBy(id, shown, hint)}
      />
      <datalist id={listId}>
        {allZones().map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </FieldShell>
  );
}

export function DateTimeField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} error={error}>
      <input
        id={id}
        type="datetime-local"
        value={value}
        step={300}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error)}
      />
    </FieldShell>
  );
}
