import type { MeetingFormat, MeetingPhase, OutcomeKind, OutcomeStatus, Side } from '@parley/protocol';
import type { CSSProperties } from 'react';
import { translatedRecord } from '../../i18n/intl';

export const PHASE_LABELS = translatedRecord(
  ['planned', 'in_progress', 'postponed', 'cancelled', 'held'] as const satisfies readonly MeetingPhase[],
  (p) => `meetings.phase_${p}` as const,
);

const FORMATS = ['in_person', 'video', 'hybrid'] as const satisfies readonly MeetingFormat[];
export const FORMAT_LABELS = translatedRecord(FORMATS, (f) => `meetings.format_${f}` as const);

export const FORMAT_OPTIONS: { value: MeetingFormat; label: string }[] = FORMATS.map((f) => ({
  value: f,
  get label() {
    return FORMAT_LABELS[f];
  },
}));

export function PhaseBadge({ phase }: { phase: MeetingPhase }) {
  return (
    <span className={`status status--${phase}`} data-status={phase}>
      {phase === 'in_progress' ? <span className="status__pulse" aria-hidden="true" /> : null}
      {PHASE_LABELS[phase]}
    </span>
  );
}

const FORMAT_ICONS: Record<MeetingFormat, string> = {
  // A building with columns; a camera; both.
  in_person: 'M3 8l7-4 7 4M4 8v7M8 8v7M12 8v7M16 8v7M3 16h14',
  video: 'M2.5 6h10v8h-10zM12.5 9l5-3v8l-5-3',
  hybrid: 'M2 9l4.5-3L11 9M3 9v5M6.5 9v5M10 9v5M2 15h9M12.5 7h4v4h-4zM16.5 8.5l2-1v3l-2-1',
};

export function FormatIcon({ format }: { format: MeetingFormat }) {
  return (
    <svg className="format-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path
        d={FORMAT_ICONS[format]}
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

export function FormatLabel({ format }: { format: MeetingFormat }) {
  return (
    <span className="format" data-format={format}>
      <FormatIcon format={format} />
      {FORMAT_LABELS[format]}
    </span>
  );
}

export const KIND_LABELS = translatedRecord(
  ['agreement', 'concern', 'commitment', 'action', 'disagreement'] as const satisfies readonly OutcomeKind[],
  (k) => `meetings.kind_${k}` as const,
);

export const OUTCOME_STATUS_LABELS = translatedRecord(
  ['open', 'in_progress', 'done', 'dropped'] as const satisfies readonly OutcomeStatus[],
  (o) => `meetings.outcome_${o}` as const,
);

export function KindBadge({ kind }: { kind: OutcomeKind }) {
  return <span className={`kind kind--${kind}`}>{KIND_LABELS[kind]}</span>;
}

export function OutcomeStatusBadge({ status }: { status: OutcomeStatus }) {
  return <span className={`ostatus ostatus--${status}`}>{OUTCOME_STATUS_LABELS[status]}</span>;
}

/** A side's colour as a small dot before its name; the name carries the meaning. */
export function SideName({ side }: { side: Pick<Side, 'name' | 'colour' | 'shortCode'> | undefined }) {
  if (!side) return <span className="muted">—</span>;
  return (
    <span className="side-name" style={{ '--side': side.colour } as CSSProperties}>
      <span className="side-name__dot" aria-hidden="true" />
      {side.name}
    </span>
  );
}
