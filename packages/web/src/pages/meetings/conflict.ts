import { ApiError, errorMessage } from '../../api/client';
import { locale, t } from '../../i18n/intl';

export interface Conflict {
  message: string;
  phase: string | null;
  allowed: string[];
}

/**
 * Why the command was refused, in the reader's language: the server's own code when it named one (`already_shared`);
 * for a plain `conflict` the English detail, or in another language that the meeting changed (the phase and what can
 * be done now follow it).
 */
function reason(err: ApiError): string {
  const { code, detail } = err.problem;
  const said =
    code && code !== 'conflict'
      ? errorMessage(err)
      : locale() === 'en' && detail
        ? detail
        : t('meetings.changedMeanwhile');
  // The sentence sits inside “Not done: {reason}.”, which ends it.
  return said.replace(/\.$/, '');
}

/** A 409 from a lifecycle command: what was refused, and the meeting's state as the server now sees it. */
export function asConflict(err: unknown): Conflict | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  const s = (err.problem as { currentState?: { phase?: string; allowed?: string[] } }).currentState;
  return {
    message: reason(err),
    phase: s?.phase ?? null,
    allowed: s?.allowed ?? [],
  };
}
