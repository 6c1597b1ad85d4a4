import type { Group, Meeting, MeetingPhase } from '@parley/protocol';
import { useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, useAction } from '../../components/forms';
import { Modal } from '../../components/lifecycle/Modal';
import { t } from '../../i18n/intl';
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

/** The dialog's heading and explanation for each action (`meetings.action_<kind>_title` / `_help`). */
const TITLES = (kind: ActionKind) => ({
  title: t(`meetings.action_${kind}_title`),
  description: t(`meetings.action_${kind}_help`),
});

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
      label: t('meetings.startMeeting'),
      show: chair,
      primary: true,
      run: () => void direct.run(() => submit(() => lifecycle.meetings.start(meeting.id))),
    },
    {
      key: 'end',
      label: t('meetings.endMeeting'),
      show: chair,
      primary: true,
      run: () => void direct.run(() => submit(() => lifecycle.meetings.end(meeting.id))),
    },
    { key: 're_request', label: t('meetings.reRequest'), show: rep, primary: true },
    { key: 'reschedule', label: t('meetings.reschedule'), show: writer },
    { key: 'change_format', label: t('meetings.changeFormat'), show: writer },
    { key: 'postpone', label: t('meetings.postpone'), show: rep },
    { key: 'cancel', label: t('meetings.cancelMeeting'), show: rep, danger: true },
    { key: 'share', label: t('meetings.shareWithOther'), show: chair && meeting.marking === 'side-only' },
  ];
  const visible = buttons.filter((b) => b.show && allowed.has(b.key));

  return (
    <>
      {visible.length > 0 ? (
        <fieldset className="meeting-actions">
          <legend className="visually-hidden">{t('meetings.actions')}</legend>
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
        title={open ? TITLES(open).title : ''}
        description={open ? TITLES(open).description : undefined}
      >
        {open ? (
          <ActionForm kind={open} meeting={meeting} group={group} submit={submit} onCancel={() => setOpen(null)} />
        ) : null}
      </Modal>
    </>
  );
}
