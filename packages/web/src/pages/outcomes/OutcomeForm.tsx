import {
  CreateOutcomeBody,
  type Group,
  type Meeting,
  type Outcome,
  type OutcomeKind,
  type OutcomeStatus,
  type Roster,
} from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { CheckboxField, FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { KIND_LABELS, OUTCOME_STATUS_LABELS } from '../../components/lifecycle/badges';
import { TextAreaField } from '../../components/lifecycle/fields';
import { maxLengthOf } from '../../components/limits';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { mySide } from '../lifecycle-access';
import { clip } from './OutcomeCards';

const TEXT_LIMIT = maxLengthOf(CreateOutcomeBody.shape.text);

// Built when rendered: the labels are read in the language shown now.
const kinds = () => Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }));
const statuses = () => Object.entries(OUTCOME_STATUS_LABELS).map(([value, label]) => ({ value, label }));

export function OutcomeForm({
  group,
  roster,
  meetings,
  outcomes,
  editing,
  preset,
  onDone,
  onCancel,
}: {
  group: Group;
  roster: Roster;
  meetings: Meeting[];
  outcomes: Outcome[];
  editing: Outcome | null;
  preset: { meetingId?: string | undefined };
  onDone: () => Promise<void>;
  onCancel: () => void;
}) {
  const t = useT();
  const own = mySide(group);
  const [kind, setKind] = useState<OutcomeKind>(editing?.kind ?? 'agreement');
  const [text, setText] = useState(editing?.text ?? '');
  const [raisedBy, setRaisedBy] = useState(editing ? (editing.raisedBySideId ?? '') : (own?.id ?? ''));
  const [addressedTo, setAddressedTo] = useState(editing?.addressedToSideId ?? '');
  const [respondsTo, setRespondsTo] = useState(editing?.respondsToId ?? '');
  const [owner, setOwner] = useState(editing?.ownerUserId ?? '');
  const [due, setDue] = useState(editing?.due ?? '');
  const [status, setStatus] = useState<OutcomeStatus>(editing?.status ?? 'open');
  const [sideOnly, setSideOnly] = useState(editing?.marking === 'side-only');
  const [meetingId, setMeetingId] = useState(editing?.meetingId ?? preset.meetingId ?? '');
  const [agendaItemId, setAgendaItemId] = useState(editing?.agendaItemId ?? '');
  const agenda = useResource(
    async () => (meetingId ? (await lifecycle.meetings.get(meetingId)).agenda : []),
    meetingId,
  );
  const save = useAction();

  const sides = [
    { value: '', label: t('outcomes.notSet') },
    ...group.sides.map((s) => ({ value: s.id, label: s.name })),
  ];
  const people = roster.sides.flatMap((s) =>
    s.agencies.flatMap((a) => a.roles.flatMap((r) => r.members.map((m) => ({ m, side: s.side })))),
  );
  const owners = [
    { value: '', label: t('outcomes.nobodyYet') },
    ...people.map(({ m, side }) => ({ value: m.userId, label: `${m.displayName} (${side.shortCode})` })),
  ];
  const answerable = outcomes
    .filter((o) => o.id !== editing?.id)
    .map((o) => ({ value: o.id, label: `${KIND_LABELS[o.kind]}: ${clip(o.text, 70)}` }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      const body = {
        kind,
        text,
        raisedBySideId: raisedBy || null,
        addressedToSideId: addressedTo || null,
        respondsToId: respondsTo || null,
        ownerUserId: owner || null,
        due: due || null,
        marking: sideOnly ? ('side-only' as const) : ('shared' as const),
        meetingId: meetingId || null,
        agendaItemId: (meetingId && agendaItemId) || null,
      };
      if (editing) {
        await lifecycle.outcomes.update(editing.id, body);
        if (status !== editing.status) await lifecycle.outcomes.setStatus(editing.id, status);
      } else {
        await lifecycle.outcomes.create(group.id, { ...body, status });
      }
      await onDone();
    });
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <FormAlert message={save.error} />
      <div className="form-grid form-grid--3">
        <SelectField
          label={t('outcomes.kind')}
          value={kind}
          onChange={(v) => setKind(v as OutcomeKind)}
          options={kinds()}
          error={save.fields.kind}
        />
        <SelectField
          label={t('outcomes.raisedBy')}
          value={raisedBy}
          onChange={setRaisedBy}
          options={sides}
          error={save.fields.raisedBySideId}
        />
        <SelectField
          label={t('outcomes.addressedTo')}
          value={addressedTo}
          onChange={setAddressedTo}
          options={sides}
          error={save.fields.addressedToSideId}
        />
      </div>
      <TextAreaField
        label={t('outcomes.text')}
        value={text}
        onChange={setText}
        error={save.fields.text}
        rows={3}
        maxLength={TEXT_LIMIT}
      />
      <SelectField
        label={t('outcomes.respondsToField')}
        value={respondsTo}
        onChange={setRespondsTo}
        options={[{ value: '', label: t('outcomes.nothing') }, ...answerable]}
        error={save.fields.respondsToId}
        hint={t('outcomes.respondsToHint')}
      />
      <div className="form-grid form-grid--3">
        <SelectField
          label={t('outcomes.owner')}
          value={owner}
          onChange={setOwner}
          options={owners}
          error={save.fields.ownerUserId}
        />
        <TextField label={t('outcomes.due')} type="date" value={due} onChange={setDue} error={save.fields.due} />
        <SelectField
          label={t('outcomes.status')}
          value={status}
          onChange={(v) => setStatus(v as OutcomeStatus)}
          options={statuses()}
        />
      </div>
      <div className="form-grid form-grid--2">
        <SelectField
          label={t('outcomes.meeting')}
          value={meetingId}
          onChange={(v) => {
            setMeetingId(v);
            setAgendaItemId('');
          }}
          options={[
            { value: '', label: t('outcomes.notLinked') },
            ...meetings.map((m) => ({ value: m.id, label: m.title })),
          ]}
          error={save.fields.meetingId}
        />
        <SelectField
          label={t('outcomes.agendaItem')}
          value={agendaItemId}
          onChange={setAgendaItemId}
          disabled={!meetingId}
          options={[
            { value: '', label: t('outcomes.wholeMeeting') },
            ...(agenda.data ?? []).map((i) => ({ value: i.id, label: i.title })),
          ]}
          error={save.fields.agendaItemId}
        />
      </div>
      {own ? (
        <CheckboxField
          label={t('meetings.sideOnlyField', { side: own.name })}
          checked={sideOnly}
          onChange={setSideOnly}
          hint={t('outcomes.sideOnlyHint')}
        />
      ) : null}
      <div className="modal__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          {t('common.close')}
        </button>
        <button type="submit" className="btn btn--primary" disabled={save.busy}>
          {editing ? t('outcomes.saveChanges') : t('outcomes.recordSubmit')}
        </button>
      </div>
    </form>
  );
}
