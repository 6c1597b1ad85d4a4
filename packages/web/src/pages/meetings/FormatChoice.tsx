import type { MeetingFormat } from '@parley/protocol';
import { useId } from 'react';
import { FORMAT_LABELS, FormatIcon } from '../../components/lifecycle/badges';
import { t, translatedRecord } from '../../i18n/intl';

const HINTS: Record<MeetingFormat, string> = translatedRecord(
  ['in_person', 'video', 'hybrid'] as const,
  (f) => `meetings.formatHint_${f}` as const,
);

/** Radio buttons drawn as cards; arrow keys move between them as in any radio group. */
export function FormatChoice({
  value,
  onChange,
  legend = t('meetings.format'),
  error,
}: {
  value: MeetingFormat;
  onChange: (f: MeetingFormat) => void;
  legend?: string;
  error?: string | undefined;
}) {
  const name = useId();
  return (
    <fieldset className="choice">
      <legend>{legend}</legend>
      <div className="choice__options">
        {(['in_person', 'video', 'hybrid'] as const).map((f) => (
          <label key={f} className={`choice__option${value === f ? ' choice__option--on' : ''}`}>
            <input type="radio" name={name} value={f} checked={value === f} onChange={() => onChange(f)} />
            <FormatIcon format={f} />
            <span className="choice__text">
              <span className="choice__label">{FORMAT_LABELS[f]}</span>
              <span className="choice__hint">{HINTS[f]}</span>
            </span>
          </label>
        ))}
      </div>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
