import type { Group } from '@parley/protocol';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/endpoints';
import { CheckboxField, FormAlert, SelectField, TextField, useAction } from '../../components/forms';
import { Loading, Panel, SideCode } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';

export function GroupsAdmin() {
  const list = useResource(() => api.groups.list(), '');
  const groups = list.data?.groups ?? [];
  const t = useT();
  return (
    <Panel title={t('admin.groupsAndSides')} description={t('admin.groupsAndSidesHelp')}>
      <FormAlert message={list.error} />
      {list.loading ? (
        <Loading />
      ) : groups.length === 0 ? (
        <p className="muted">{t('admin.noGroups')}</p>
      ) : (
        <ul className="plain-list">
          {groups.map((g) => (
            <li key={g.id} className="plain-list__row">
              <span>
                <Link to={`/groups/${g.id}`} className="strong">
                  {g.name}
                </Link>
                <span className="muted small">
                  {' '}
                  · {g.kind === 'track' ? t('admin.kindTrack') : t('admin.kindGroup')}
                </span>
              </span>
              <span className="inline-codes">
                {g.sides.length === 0 ? <span className="muted small">{t('admin.noSides')}</span> : null}
                {g.sides.map((s) => (
                  <SideCode key={s.id} side={s} />
                ))}
              </span>
              <ChairStepUpToggle group={g} onChanged={list.reload} />
            </li>
          ))}
        </ul>
      )}
      <div className="admin-forms">
        <CreateGroupForm groups={groups} onCreated={list.reload} />
        <CreateSideForm groups={groups} onCreated={list.reload} />
      </div>
    </Panel>
  );
}

function CreateGroupForm({ groups, onCreated }: { groups: Group[]; onCreated: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [parent, setParent] = useState('');
  const action = useAction();
  const parents = groups.filter((g) => g.kind === 'group');
  const t = useT();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.groups.create({
        name,
        description,
        kind: parent ? 'track' : 'group',
        parentGroupId: parent || null,
      });
      setName('');
      setDescription('');
      setParent('');
      await onCreated();
    });
  };
  return (
    <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
      <h3 className="form-title">{t('admin.createGroup')}</h3>
      <FormAlert message={action.error} />
      <TextField label={t('admin.name')} name="groupName" value={name} onChange={setName} error={action.fields.name} />
      <TextField
        label={t('admin.description')}
        name="groupDescription"
        value={description}
        onChange={setDescription}
        error={action.fields.description}
      />
      <SelectField
        label={t('admin.kind')}
        value={parent}
        onChange={setParent}
        options={[
          { value: '', label: t('admin.standingGroup') },
          ...parents.map((g) => ({ value: g.id, label: t('groups.trackOf', { parent: g.name }) })),
        ]}
        error={action.fields.parentGroupId}
      />
      <div>
        <button type="submit" className="btn btn--primary" disabled={action.busy}>
          {t('admin.createGroupButton')}
        </button>
      </div>
    </form>
  );
}

function CreateSideForm({ groups, onCreated }: { groups: Group[]; onCreated: () => Promise<void> }) {
  const [groupId, setGroupId] = useState('');
  const [name, setName] = useState('');
  const [shortCode, setShortCode] = useState('');
  const [colour, setColour] = useState('#1f4e8c');
  const action = useAction();
  const target = groupId || groups[0]?.id || '';
  const t = useT();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api.groups.createSide(target, { name, shortCode: shortCode.toUpperCase(), colour });
      setName('');
      setShortCode('');
      await onCreated();
    });
  };
  return (
    <form className="stack stack--tight" onSubmit={onSubmit} noValidate>
      <h3 className="form-title">{t('admin.addSide')}</h3>
      <FormAlert message={action.error} />
      <SelectField
        label={t('admin.group')}
        value={target}
        onChange={setGroupId}
        options={groups.map((g) => ({ value: g.id, label: g.name }))}
        disabled={groups.length === 0}
      />
      <TextField
        label={t('admin.government')}
        name="sideName"
        value={name}
        onChange={setName}
        error={action.fields.name}
        placeholder={t('admin.governmentPlaceholder')}
      />
      <div className="form-grid form-grid--2">
        <TextField
          label={t('admin.shortCode')}
          name="sideCode"
          value={shortCode}
          onChange={(v) => setShortCode(v.toUpperCase())}
          error={action.fields.shortCode}
          hint={t('admin.shortCodeHint')}
          maxLength={6}
        />
        <TextField
          label={t('admin.colour')}
          type="color"
          name="sideColour"
          value={colour}
          onChange={setColour}
          error={action.fields.colour}
        />
      </div>
      <div>
        <button type="submit" className="btn btn--primary" disabled={action.busy || !target}>
          {t('admin.addSideButton')}
        </button>
      </div>
    </form>
  );
}

/** The group's own setting: chairs signed in through an identity provider confirm a factor Parley checks itself. */
function ChairStepUpToggle({ group, onChanged }: { group: Group; onChanged: () => void }) {
  const action = useAction();
  // Shown at once; put back if the server refuses.
  const [on, setOn] = useState(group.chairStepUp);
  const t = useT();
  return (
    <span className="plain-list__setting">
      <CheckboxField
        label={t('admin.chairStepUp', { group: group.name })}
        checked={on}
        onChange={(chairStepUp) => {
          setOn(chairStepUp);
          void action.run(async () => {
            try {
              await api.groups.update(group.id, { chairStepUp });
            } catch (err) {
              setOn(!chairStepUp);
              throw err;
            }
            onChanged();
          });
        }}
      />
      <FormAlert message={action.error} />
    </span>
  );
}
