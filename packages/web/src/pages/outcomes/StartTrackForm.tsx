import { CreateTrackBody, type Outcome, type Roster } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { limitsOf } from '../../components/limits';
import { SideCode } from '../../components/ui';

const LIMITS = limitsOf(CreateTrackBody);

/** A follow-up track: a small group of experts from each delegation, overseen by this group's chairs. */
export function StartTrackForm({
  outcome,
  roster,
  onCancel,
}: {
  outcome: Outcome;
  roster: Roster;
  onCancel: () => void;
}) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState(outcome.text);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const create = useAction();
  const toggle = (id: string) =>
    setChosen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void create.run(async () => {
      if (chosen.size === 0) throw new Error('Choose at least one expert.');
      const t = await lifecycle.tracks.create(outcome.id, {
        name,
        description,
        experts: [...chosen].map((membershipId) => ({ membershipId, role: 'member' as const })),
      });
      navigate(`/groups/${t.id}`);
    });
  };
  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <FormAlert message={create.error} />
      <TextField
        label="Track name"
        value={name}
        onChange={setName}
        error={create.fields.name}
        placeholder="e.g. Expert track on crisis communication"
        maxLength={LIMITS.name}
      />
      <TextAreaField
        label="Purpose"
        value={description}
        onChange={setDescription}
        rows={2}
        error={create.fields.description}
        maxLength={LIMITS.description}
      />
      <fieldset className="experts">
        <legend>Experts</legend>
        <div className="experts__sides">
          {roster.sides.map((s) => (
            <div key={s.side.id} className="experts__side">
              <p className="experts__side-name">
                <SideCode side={s.side} /> {s.side.name}
              </p>
              {s.agencies.flatMap((a) =>
                a.roles.flatMap((r) =>
                  r.members.map((m) => (
                    <label key={m.id} className="experts__person">
                      <input type="checkbox" checked={chosen.has(m.id)} onChange={() => toggle(m.id)} />
                      <span>
                        {m.displayName}
                        {m.title ? <span className="muted small"> · {m.title}</span> : null}
                      </span>
                    </label>
                  )),
                ),
              )}
            </div>
          ))}
        </div>
      </fieldset>
      <div className="modal__actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          Close
        </button>
        <button type="submit" className="btn btn--primary" disabled={create.busy}>
          Start track
        </button>
      </div>
    </form>
  );
}
