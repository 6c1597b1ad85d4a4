import { ApiError } from '../../api/client';
import { t } from '../../i18n/intl';

export interface Conflict {
  message: string;
  phase: string | null;
  allowed: string[];
}

/** A 409 from a lifecycle command: what was refused, and the meeting's state as the server now sees it. */
export function asConflict(err: unknown): Conflict | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const s = (err.problem as { currentState?: { phase?: string; allowed?: string[] } }).currentState;
  return {
    message: err.problem.detail ?? t('meetings.changedMeanwhile'),
    phase: s?.phase ?? null,
    allowed: s?.allowed ?? [],
  };
}
