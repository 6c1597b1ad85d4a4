import { CancelMeetingBody, type Group, type Meeting, type MeetingFormat, type RequestChannel } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { BackChannelPicker } from '../../backchannel/LinkedMessage';
import { CheckboxField, FormAlert, refuseIfAny, TextField, useAction } from '../../components/forms';
import { DateTimeField, TextAreaField, TimeZoneField } from '../../components/lifecycle/fields';
import { slotProblems } from '../../components/lifecycle/slot-problems';
import { isoToWall } from '../../components/lifecycle/time';
import { maxLengthOf } from '../../components/limits';
import { useT } from '../../i18n/I18nProvider';
import { locale } from '../../i18n/intl';
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
  const t = useT();
  return (
    <div className="modal__actions">
      <button type="button" className="btn btn--ghost" onClick={onCancel}>
        {t('common.close')}
      </button>
      <button type="submit" className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`} disabled={busy}>
        {label}
      </button>
    </div>
  );
}

function OnBehalf({ group }: { group: Group }) {
  const t = useT();
  const side = mySide(group);
  return (
    <p className="on-behalf">
      {t('meetings.onBehalfOf')} <strong>{side?.name ?? t('meetings.yourSide')}</strong>
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
  const t = useT();
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
        label={t('meetings.reason')}
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={3}
        hint={t('meetings.cancelReasonHint')}
      />
      <Buttons busy={f.busy} label={t('meetings.action_cancel_title')} danger onCancel={onCancel} />
    </form>
  );
}

function ReRequestForm({ meeting, group, submit, onCancel }: FormProps) {
  const t = useT();
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
        <legend>{t('meetings.requestedThrough')}</legend>
        <div className="choice__options">
          {(
            [
              ['back_channel', t('meetings.channel_back_channel'), t('meetings.channel_back_channel_hint')],
              ['official', t('meetings.channel_official'), t('meetings.channel_official_hint')],
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
      <Buttons busy={f.busy} label={t('meetings.action_re_request_title')} onCancel={onCancel} />
    </form>
  );
}

function PostponeForm({ meeting, group, submit, onCancel }: FormProps) {
  const t = useT();
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
        label={t('meetings.reasonOptional')}
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={3}
      />
      <Buttons busy={f.busy} label={t('meetings.postpone')} onCancel={onCancel} />
    </form>
  );
}

function RescheduleForm({ meeting, submit, onCancel }: FormProps) {
  const t = useT();
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
        <DateTimeField label={t('meetings.newStart')} value={start} onChange={setStart} error={f.fields.start} />
        <DateTimeField label={t('meetings.newEnd')} value={end} onChange={setEnd} error={f.fields.end} />
      </div>
      <TimeZoneField value={zone} onChange={setZone} error={f.fields.timeZone} />
      <TextAreaField
        label={t('meetings.reasonOptional')}
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={2}
      />
      <Buttons busy={f.busy} label={t('meetings.reschedule')} onCancel={onCancel} />
    </form>
  );
}

function FormatForm({ meeting, submit, onCancel }: FormProps) {
  const t = useT();
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
      <FormatChoice legend={t('meetings.newFormat')} value={format} onChange={setFormat} error={f.fields.format} />
      {needsPlace ? (
        <TextField label={t('meetings.location')} value={location} onChange={setLocation} error={f.fields.location} />
      ) : null}
      <TextAreaField
        label={t('meetings.reason')}
        value={reason}
        onChange={setReason}
        error={f.fields.reason}
        maxLength={REASON_LIMIT}
        rows={2}
        hint={t('meetings.formatReasonHint')}
      />
      <Buttons busy={f.busy} label={t('meetings.changeFormat')} onCancel={onCancel} />
    </form>
  );
}

/** Reclassifying is the one way anything of a side-only meeting reaches the other side: say exactly what. */
function ShareForm({ meeting, group, submit, onCancel }: FormProps) {
  const [confirmed, setConfirmed] = useState(false);
  const t = useT();
  const f = useForm(submit);
  const others = group.sides.filter((s) => s.id !== meeting.sideId).map((s) => s.name);
  const them =
    others.length > 0
      ? new Intl.ListFormat(locale(), { type: 'conjunction' }).format(others)
      : t('meetings.theOtherSide');
  return (
    <form className="stack" noValidate onSubmit={(e) => f.go(e, () => lifecycle.meetings.share(meeting.id))}>
      <FormAlert message={f.error} />
      <div className="share-warning" role="note">
        <p>
          <strong>{them}</strong> {t('meetings.shareWillSee')}
        </p>
        <ul>
          <li>{t('meetings.shareSeesTitle', { title: meeting.title })}</li>
          <li>{t('meetings.shareSeesHistory')}</li>
          <li>{t('meetings.shareSeesAgenda')}</li>
          <li>{t('meetings.shareSeesReadout')}</li>
        </ul>
        <p>{t('meetings.shareStays')}</p>
      </div>
      <CheckboxField label={t('meetings.shareConfirm', { them })} checked={confirmed} onChange={setConfirmed} />
      <div className="modal__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          {t('common.close')}
        </button>
        <button type="submit" className="btn btn--danger" disabled={f.busy || !confirmed}>
          {t('meetings.shareWith', { them })}
        </button>
      </div>
    </form>
  );
}
