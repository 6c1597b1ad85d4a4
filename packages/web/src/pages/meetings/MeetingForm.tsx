import { CreateMeetingBody, type MeetingFormat } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { CheckboxField, FormAlert, refuseIfAny, schemaProblems, TextField, useAction } from '../../components/forms';
import { DateTimeField, TimeZoneField } from '../../components/lifecycle/fields';
import { slotProblems } from '../../components/lifecycle/slot-problems';
import { browserZone, isoToWall } from '../../components/lifecycle/time';
import { limitsOf } from '../../components/limits';
import { Panel } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { useGroupContext } from '../group/context';
import { mySide } from '../lifecycle-access';
import { FormatChoice } from './FormatChoice';
import '../lifecycle.css';

/** Tomorrow 10:00–12:00 in the given zone, as wall-clock strings. */
const LIMITS = limitsOf(CreateMeetingBody);

function defaultSlot(zone: string) {
  const tomorrow = isoToWall(new Date(Date.now() + 86_400_000).toISOString(), zone).slice(0, 10);
  return { start: `${tomorrow}T10:00`, end: `${tomorrow}T12:00` };
}

export function MeetingForm() {
  const { group } = useGroupContext();
  const navigate = useNavigate();
  const t = useT();
  const side = mySide(group);
  const [zone, setZone] = useState(browserZone);
  const [slot, setSlot] = useState(() => defaultSlot(browserZone()));
  const [title, setTitle] = useState('');
  const [format, setFormat] = useState<MeetingFormat>('in_person');
  const [location, setLocation] = useState('');
  const [sideOnly, setSideOnly] = useState(false);
  const save = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      // Everything wrong is said at once, beside each field, before anything is sent.
      const when = slotProblems(slot, zone);
      const body = {
        title,
        format,
        location,
        start: when.start ?? '',
        end: when.end ?? '',
        timeZone: zone,
        marking: sideOnly ? ('side-only' as const) : ('shared' as const),
      };
      const fromSchema = schemaProblems(CreateMeetingBody, body);
      refuseIfAny({
        ...fromSchema,
        // The instants are built here from the clocks and the zone: what can be wrong is said about those.
        start: when.problems.start,
        end: when.problems.end,
        timeZone: when.problems.timeZone ?? fromSchema.timeZone,
        location: format !== 'video' && !location.trim() ? t('meetings.needsLocation') : fromSchema.location,
      });
      const m = await lifecycle.meetings.create(group.id, body);
      navigate(`/meetings/${m.id}`);
    });
  };

  return (
    <div className="form-page">
      <Panel title={t('meetings.planTitle')} description={t('meetings.planLede')}>
        <form className="stack" onSubmit={onSubmit} noValidate>
          <FormAlert message={save.error} />
          <TextField
            label={t('meetings.titleField')}
            value={title}
            onChange={setTitle}
            error={save.fields.title}
            placeholder={t('meetings.titlePlaceholder')}
            maxLength={LIMITS.title}
            required
          />
          <FormatChoice value={format} onChange={setFormat} error={save.fields.format} />
          <TextField
            label={t('meetings.location')}
            value={location}
            onChange={setLocation}
            error={save.fields.location}
            hint={format === 'video' ? t('meetings.locationOptional') : t('meetings.locationHint')}
            maxLength={LIMITS.location}
          />
          <div className="form-grid form-grid--3">
            <DateTimeField
              label={t('meetings.starts')}
              value={slot.start}
              onChange={(v) => setSlot((s) => ({ ...s, start: v }))}
              error={save.fields.start}
            />
            <DateTimeField
              label={t('meetings.ends')}
              value={slot.end}
              onChange={(v) => setSlot((s) => ({ ...s, end: v }))}
              error={save.fields.end}
            />
            <TimeZoneField value={zone} onChange={setZone} error={save.fields.timeZone} />
          </div>
          {side ? (
            <CheckboxField
              label={t('meetings.sideOnlyField', { side: side.name })}
              checked={sideOnly}
              onChange={setSideOnly}
              hint={t('meetings.sideOnlyHint')}
            />
          ) : null}
          <div className="form-actions">
            <Link to={`/groups/${group.id}/meetings`}>{t('meetings.backToMeetings')}</Link>
            <button type="submit" className="btn btn--primary" disabled={save.busy}>
              {save.busy ? t('meetings.planning') : t('meetings.planSubmit')}
            </button>
          </div>
        </form>
      </Panel>
    </div>
  );
}
