import type { Group, Meeting, MeetingPhase } from '@parley/protocol';
import { useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, useAction } from '../../components/forms';
import { Modal } from '../../components/lifecycle/Modal';
import { canRepresent, canWrite, isChair } from '../lifecycle-access';
import { ActionForm, type ActionKind } from './ActionForms';
import { asConflict, type Conflict } from './conflict';

/** Mirrors the server's state machine so only sensible buttons show; the server still has the last word (409). */
const BY_PHASE: Record<MeetingPhase, ReadonlySet<string>> = {
  planned: new Set(['start', 'postpone', 'reschedule', 'change_format', 'cancel', 'share']),
  postponed: new Set(['reschedule', 'change_format', 're_request', 'cancel', 'share']),
  cancelled: new Set(['re_request', 'share']),
  in_progress: new Set(['end', 'share']),
  held: new Set(['share']),
};

const TITLES: Record<ActionKind, { title: string; description: string }> = {
  cancel: {
    title: 'Cancel the meeting',
    description: 'Calendars receive the cancellation; it can be re-requested later.',
  },
  re_request: { title: 'Re-request the meeting', description: 'Puts the meeting back on the calendar as planned.' },
  postpone: { title: 'Postpone the meeting', description: 'The meeting stays on the books until a new date is set.' },
  reschedule: { title: 'Reschedule', description: 'Every side’s calendar moves with it.' },
  change_format: {
    title: 'Change the format',
    description: 'For example: hold it by secure video instead of travelling.',
  },
  share: {
    title: 'Share this meeting with the other side',
    description: 'It is side-only now: the other side does not know it exists.',
  },
};

export function MeetingActions({
  meeting,
  group,
  onChanged,
  onConflict,
}: {
  meeting: Meeting;
  group: Group;
  onChanged: () => Promise<void>;
  onConflict: (c: Conflict | null) => void;
}) {
  const [open, setOpen] = useState<ActionKind | null>(null);
  const direct = useAction();
  const allowed = BY_PHASE[meeting.phase];
  const ownsOrShared = meeting.sideId === null || meeting.sideId === group.myMembership?.sideId;
  const chair = isChair(group) && ownsOrShared;
  const rep = canRepresent(group) && ownsOrShared;
  const writer = canWrite(group);

  const submit = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      onConflict(null);
      setOpen(null);
    } catch (err) {
      const c = asConflict(err);
      if (!c) throw err;
      onConflict(c);
      setOpen(null);
    } finally {
      await onChanged();
    }
  };

  const buttons: {
    key: string;
    label: string;
    show: boolean;
    primary?: boolean;
    danger?: boolean;
    run?: () => void;
  }[] = [
    {
      key: 'start',
      label: 'Start meeting',
      show: chair,
      primary: true,
      run: () => void direct.run(() => submit(() => lifecycle.meetings.start(meeting.id))),
    },
    {
      key: 'end',
      label: 'End meeting',
      show: chair,
      primary: true,
      run: () => void direct.run(() => submit(() => lifecycle.meetings.end(meeting.id))),
    },
    { key: 're_request', label: 'Re-request', show: rep, primary: true },
    { key: 'reschedule', label: 'Reschedule', show: writer },
    { key: 'change_format', label: 'Change format', show: writer },
    { key: 'postpone', label: 'Postpone', show: rep },
    { key: 'cancel', label: 'Cancel meeting', show: rep, danger: true },
    { key: 'share', label: 'Share with the other side…', show: chair && meeting.marking === 'side-only' },
  ];
  const visible = buttons.filter((b) => b.show && allowed.has(b.key));

  return (
    <>
      {visible.length > 0 ? (
        <fieldset className="meeting-actions">
          <legend className="visually-hidden">Meeting actions</legend>
          {visible.map((b) => (
            <button
              key={b.key}
              type="button"
              className={`btn ${b.primary ? 'btn--primary' : b.danger ? 'btn--danger-ghost' : 'btn--secondary'}`}
              disabled={direct.busy}
              onClick={() => (b.run ? b.run() : setOpen(b.key as ActionKind))}
            >
              {b.label}
            </button>
          ))}
        </fieldset>
      ) : null}
      <FormAlert message={direct.error} />
      <Modal
        open={open !== null}
        onClose={() => setOpen(null)}
        title={open ? TITLES[open].title : ''}
        description={open ? TITLES[open].description : undefined}
      >
        {open ? (
          <ActionForm kind={open} meeting={meeting} group={group} submit={submit} onCancel={() => setOpen(null)} />
        ) : null}
      </Modal>
    </>
  );
}
