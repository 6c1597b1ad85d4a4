import { CancelMeetingBody, type Group, type Meeting, type MeetingFormat, type RequestChannel } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { BackChannelPicker } from '../../backchannel/LinkedMessage';
import { CheckboxField, FormAlert, refuseIfAny, TextField, useAction } from '../../components/forms';
import { DateTimeField, TextAreaField, TimeZoneField } from '../../components/lifecycle/fields';
import { slotProblems } from '../../components/lifecycle/slot-problems';
import { isoToWall } from '../../components/lifecycle/time';
import { maxLengthOf } from '../../components/limits';
import { mySide } from '../lifecycle-access';
import { FormatChoice } from './FormatChoice';

const REASON_LIMIT = maxLengthOf(CancelMeetingBody.shape.reason);

export type ActionKind = 'cancel' | 're_request' | 'postpone' | 'reschedule' | 'change_format' | 'share';

interface FormProps {
  meeting: Meeting;
  group: Group;
  /** Runs the request; a 409 is turned into the page's conflict notice by the caller. */
  submit: (fn: () => Promise<unknown>) => Promise<void>;
  onCancel: () => void;
}

function Buttons({
  busy,
  label,
  danger,
  onCancel,
}: {
  busy: boolean;
  label: string;
  danger?: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="modal__actions">
      <button type="button" className="btn btn--ghost" onClick={onCancel}>
        Close
      </button>
      <button type="submit" className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`} disabled={busy}>
        {label}
      </button>
    </div>
  );
}

function OnBehalf({ group }: { group: Group }) {
  const side = mySide(group);
  return (
    <p className="on-behalf">
      On behalf of <strong>{side?.name ?? 'your side'}</strong>
    </p>
  );
}

export function ActionForm(props: FormProps & { kind: ActionKind }) {
  switch (props.kind) {
    case 'cancel':
      return <CancelForm {...props} />;
    case 're_request':
      return <ReRequestForm {...props} />;
    case 'postpone':
      return <PostponeForm {...props} />;
    case 'reschedule':
      return <RescheduleForm {...props} />;
    case 'change_format':
      return <FormatForm {...props} />;
    case 'share':
      return <ShareForm {...props} />;
  }
}

function useForm(submit: FormProps['submit']) {
  const a = useAction();
  const go = (e: FormEvent, fn: () => Promise<unknown>) => {
    e.preventDefault();
    void a.run(() => submit(fn));
  };
  return { ...a, go };
}

function CancelForm({ meeting, group, submit, onCancel }: FormProps) {
  const [reason, setReason] = useState('');
  const f = useForm(submit);
  const sideId = group.myMembership?.sideId ?? '';
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) => f.go(e, () => lifecycle.meetings.cancel(meeting.id, { reason, bySideId: sideId }))}
    >
      <FormAlert message={f.error} />
      <OnBehalf group={group} />
      <TextAreaField
        label="Reason"
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={3}
        hint="Every side sees the reason in the meeting's history."
      />
      <Buttons busy={f.busy} label="Cancel the meeting" danger onCancel={onCancel} />
    </form>
  );
}

function ReRequestForm({ meeting, group, submit, onCancel }: FormProps) {
  const [channel, setChannel] = useState<RequestChannel>('back_channel');
  const [backChannelRef, setBackChannelRef] = useState('');
  const f = useForm(submit);
  const sideId = group.myMembership?.sideId ?? '';
  const linked = channel === 'back_channel' && backChannelRef ? { backChannelRef } : {};
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) =>
        f.go(e, () => lifecycle.meetings.reRequest(meeting.id, { bySideId: sideId, channel, ...linked }))
      }
    >
      <FormAlert message={f.error} />
      <OnBehalf group={group} />
      <fieldset className="choice choice--compact">
        <legend>Requested through</legend>
        <div className="choice__options">
          {(
            [
              ['back_channel', 'Back channel', 'Privately, between the chairs.'],
              ['official', 'Official channel', 'Through the usual diplomatic channels.'],
            ] as const
          ).map(([v, label, hint]) => (
            <label key={v} className={`choice__option${channel === v ? ' choice__option--on' : ''}`}>
              <input type="radio" name="channel" value={v} checked={channel === v} onChange={() => setChannel(v)} />
              <span className="choice__text">
                <span className="choice__label">{label}</span>
                <span className="choice__hint">{hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {channel === 'back_channel' ? (
        <BackChannelPicker group={group} value={backChannelRef} onChange={setBackChannelRef} />
      ) : null}
      <Buttons busy={f.busy} label="Re-request the meeting" onCancel={onCancel} />
    </form>
  );
}

function PostponeForm({ meeting, group, submit, onCancel }: FormProps) {
  const [reason, setReason] = useState('');
  const f = useForm(submit);
  const sideId = group.myMembership?.sideId ?? '';
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) =>
        f.go(e, () =>
          lifecycle.meetings.postpone(meeting.id, { bySideId: sideId, ...(reason.trim() ? { reason } : {}) }),
        )
      }
    >
      <FormAlert message={f.error} />
      <OnBehalf group={group} />
      <TextAreaField
        label="Reason (optional)"
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={3}
      />
      <Buttons busy={f.busy} label="Postpone" onCancel={onCancel} />
    </form>
  );
}

function RescheduleForm({ meeting, submit, onCancel }: FormProps) {
  const [zone, setZone] = useState(meeting.timeZone);
  const [start, setStart] = useState(() => isoToWall(meeting.start, meeting.timeZone));
  const [end, setEnd] = useState(() => isoToWall(meeting.end, meeting.timeZone));
  const [reason, setReason] = useState('');
  const f = useForm(submit);
  const send = async () => {
    const when = slotProblems({ start, end }, zone);
    refuseIfAny(when.problems);
    return lifecycle.meetings.reschedule(meeting.id, {
      start: when.start!,
      end: when.end!,
      timeZone: zone,
      ...(reason.trim() ? { reason } : {}),
    });
  };
  return (
    <form className="stack" noValidate onSubmit={(e) => f.go(e, send)}>
      <FormAlert message={f.error} />
      <div className="form-grid form-grid--2">
        <DateTimeField label="New start" value={start} onChange={setStart} error={f.fields.start} />
        <DateTimeField label="New end" value={end} onChange={setEnd} error={f.fields.end} />
      </div>
      <TimeZoneField value={zone} onChange={setZone} error={f.fields.timeZone} />
      <TextAreaField
        label="Reason (optional)"
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={2}
      />
      <Buttons busy={f.busy} label="Reschedule" onCancel={onCancel} />
    </form>
  );
}

function FormatForm({ meeting, submit, onCancel }: FormProps) {
  const first = (['video', 'in_person', 'hybrid'] as const).find((x) => x !== meeting.format)!;
  const [format, setFormat] = useState<MeetingFormat>(first);
  const [reason, setReason] = useState('');
  const [location, setLocation] = useState(meeting.location);
  const f = useForm(submit);
  const needsPlace = format !== 'video';
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) =>
        f.go(e, () =>
          lifecycle.meetings.changeFormat(meeting.id, {
            format,
            reason,
            ...(needsPlace && location !== meeting.location ? { location } : {}),
          }),
        )
      }
    >
      <FormAlert message={f.error} />
      <FormatChoice legend="New format" value={format} onChange={setFormat} error={f.fields.format} />
      {needsPlace ? (
        <TextField label="Location" value={location} onChange={setLocation} error={f.fields.location} />
      ) : null}
      <TextAreaField
        label="Reason"
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={2}
        hint="Shown in the history, e.g. why nobody needs to travel."
      />
      <Buttons busy={f.busy} label="Change format" onCancel={onCancel} />
    </form>
  );
}

/** Reclassifying is the one way anything of a side-only meeting reaches the other side: say exactly what. */
function ShareForm({ meeting, group, submit, onCancel }: FormProps) {
  const [confirmed, setConfirmed] = useState(false);
  const f = useForm(submit);
  const others = group.sides.filter((s) => s.id !== meeting.sideId).map((s) => s.name);
  const them = others.length > 0 ? others.join(' and ') : 'the other side';
  return (
    <form className="stack" noValidate onSubmit={(e) => f.go(e, () => lifecycle.meetings.share(meeting.id))}>
      <FormAlert message={f.error} />
      <div className="share-warning" role="note">
        <p>
          <strong>{them}</strong> will see this meeting from now on:
        </p>
        <ul>
          <li>its title “{meeting.title}”, date, time, format and location;</li>
          <li>its whole history, including who on your side planned, moved or cancelled it;</li>
          <li>the agenda items marked shared, and calendar entries for it;</li>
          <li>your side’s readout of it once a chair publishes it (then also the public statements page).</li>
        </ul>
        <p>Agenda items, outcomes and readout drafts marked side-only stay with your side. This cannot be undone.</p>
      </div>
      <CheckboxField
        label={`I understand that ${them} will see this meeting`}
        checked={confirmed}
        onChange={setConfirmed}
      />
      <div className="modal__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          Close
        </button>
        <button type="submit" className="btn btn--danger" disabled={f.busy || !confirmed}>
          Share with {them}
        </button>
      </div>
    </form>
  );
}
