import { CreateTrackBody, type Outcome, type Roster } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { lifecycle } from '../../api/lifecycle';
import { FormAlert, TextField, useAction } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { limitsOf } from '../../components/limits';
import { SideCode } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';

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
  const t = useT();
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
      if (chosen.size === 0) throw new Error(t('tracks.chooseExpert'));
      const track = await lifecycle.tracks.create(outcome.id, {
        name,
        description,
        experts: [...chosen].map((membershipId) => ({ membershipId, role: 'member' as const })),
      });
      navigate(`/groups/${track.id}`);
    });
  };
  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <FormAlert message={create.error} />
      <TextField
        label={t('tracks.nameField')}
        value={name}
        onChange={setName}
        error={create.fields.name}
        placeholder={t('tracks.namePlaceholder')}
        maxLength={LIMITS.name}
      />
      <TextAreaField
        label={t('tracks.purpose')}
        value={description}
        onChange={setDescription}
        rows={2}
        error={create.fields.description}
        maxLength={LIMITS.description}
      />
      <fieldset className="experts">
        <legend>{t('tracks.experts')}</legend>
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
          {t('common.close')}
        </button>
        <button type="submit" className="btn btn--primary" disabled={create.busy}>
          {t('tracks.start')}
        </button>
      </div>
    </form>
  );
}
