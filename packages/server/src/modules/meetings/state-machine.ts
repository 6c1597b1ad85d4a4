import type { MeetingPhase } from '@parley/protocol';
import { conflict } from '../../http/errors.js';
import type { MeetingRow } from './queries.js';

export type MeetingCommand =
  | 'edit'
  | 'cancel'
  | 're_request'
  | 'reschedule'
  | 'change_format'
  | 'postpone'
  | 'start'
  | 'end'
  | 'edit_agenda'
  | 'share';

/** A started meeting keeps status `planned` until it ends; the phase makes "under way" explicit. */
export function phaseOf(m: Pick<MeetingRow, 'status' | 'startedAt' | 'endedAt'>): MeetingPhase {
  if (m.status === 'planned' && m.startedAt && !m.endedAt) return 'in_progress';
  return m.status;
}

/**
 * Which commands each phase accepts. A held meeting is final (it can only be shared); a cancelled one can only be re-requested
 * (then rescheduled); a meeting under way can only be ended.
 */
const ALLOWED: Record<MeetingPhase, ReadonlySet<MeetingCommand>> = {
  planned: new Set(['edit', 'cancel', 'reschedule', 'change_format', 'postpone', 'start', 'edit_agenda', 'share']),
  postponed: new Set(['edit', 'cancel', 're_request', 'reschedule', 'change_format', 'edit_agenda', 'share']),
  cancelled: new Set(['edit', 're_request', 'edit_agenda', 'share']),
  in_progress: new Set(['edit', 'end', 'edit_agenda', 'share']),
  // Sharing changes who may read the record, not the record: a held side-only meeting can still be shared.
  held: new Set(['share']),
};

export interface MeetingState {
  status: MeetingRow['status'];
  phase: MeetingPhase;
  format: MeetingRow['format'];
  sequence: number;
  startedAt: string | null;
  endedAt: string | null;
  allowed: MeetingCommand[];
}

export function stateOf(m: MeetingRow): MeetingState {
  const phase = phaseOf(m);
  return {
    status: m.status,
    phase,
    format: m.format,
    sequence: m.sequence,
    startedAt: m.startedAt?.toISOString() ?? null,
    endedAt: m.endedAt?.toISOString() ?? null,
    allowed: [...ALLOWED[phase]],
  };
}

export function canApply(m: MeetingRow, command: MeetingCommand): boolean {
  return ALLOWED[phaseOf(m)].has(command);
}

/** 409 with the meeting's current state, so a client can redraw instead of guessing. */
export function assertCan(m: MeetingRow, command: MeetingCommand): void {
  if (!canApply(m, command)) {
    throw conflict(
      `Cannot ${command.replaceAll('_', ' ')} a meeting that is ${phaseOf(m).replaceAll('_', ' ')}`,
      stateOf(m),
    );
  }
}
