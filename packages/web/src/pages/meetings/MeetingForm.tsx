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
        location:
          format !== 'video' && !location.trim()
            ? 'an in-person or hybrid meeting needs a location'
            : fromSchema.location,
      });
      const m = await lifecycle.meetings.create(group.id, body);
      navigate(`/meetings/${m.id}`);
    });
  };

  return (
    <div className="form-page">
      <Panel
        title="Plan a meeting"
        description="Every side sees a shared meeting as soon as it is planned, and it joins their calendars."
      >
        <form className="stack" onSubmit={onSubmit} noValidate>
          <FormAlert message={save.error} />
          <TextField
            label="Title"
            value={title}
            onChange={setTitle}
            error={save.fields.title}
            placeholder="e.g. Eleventh round of consultations"
            maxLength={LIMITS.title}
            required
          />
          <FormatChoice value={format} onChange={setFormat} error={save.fields.format} />
          <TextField
            label="Location"
            value={location}
            onChange={setLocation}
            error={save.fields.location}
            hint={format === 'video' ? 'Optional for a video meeting.' : 'City and venue.'}
            maxLength={LIMITS.location}
          />
          <div className="form-grid form-grid--3">
            <DateTimeField
              label="Starts"
              value={slot.start}
              onChange={(v) => setSlot((s) => ({ ...s, start: v }))}
              error={save.fields.start}
            />
            <DateTimeField
              label="Ends"
              value={slot.end}
              onChange={(v) => setSlot((s) => ({ ...s, end: v }))}
              error={save.fields.end}
            />
            <TimeZoneField value={zone} onChange={setZone} error={save.fields.timeZone} />
          </div>
          {side ? (
            <CheckboxField
              label={`Side-only: visible to ${side.name} only`}
              checked={sideOnly}
              onChange={setSideOnly}
              hint="For internal preparation meetings. The other side never sees it, not even that it exists."
            />
          ) : null}
          <div className="form-actions">
            <Link to={`/groups/${group.id}/meetings`}>Back to meetings</Link>
            <button type="submit" className="btn btn--primary" disabled={save.busy}>
              {save.busy ? 'Planning…' : 'Plan meeting'}
            </button>
          </div>
        </form>
      </Panel>
    </div>
  );
}
