import { type AgendaItem, CreateAgendaItemBody, type Group, type Meeting } from '@parley/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { lifecycle } from '../../api/lifecycle';
import { CheckboxField, FormAlert, TextField, useAction } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { limitsOf } from '../../components/limits';
import { Panel, SideOnlyBadge } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { canWrite, mySide } from '../lifecycle-access';

const LIMITS = limitsOf(CreateAgendaItemBody);

export function AgendaPanel({
  meeting,
  agenda,
  group,
  onChanged,
}: {
  meeting: Meeting;
  agenda: AgendaItem[];
  group: Group;
  onChanged: () => Promise<void>;
}) {
  const t = useT();
  const items = [...agenda].sort((a, b) => a.position - b.position);
  const editable = canWrite(group) && meeting.phase !== 'held';
  const ownSide = group.myMembership?.sideId;
  const mayEdit = (i: AgendaItem) => editable && (i.sideId === null || i.sideId === ownSide);
  const move = useAction();
  // After a move, focus stays on the same button of the moved item so keyboard users can keep pressing it. At the
  // top (or bottom) that button stays focusable but does nothing (aria-disabled, not disabled): moving focus to the
  // other arrow instead would make the next Enter undo the move. `order` is the order the move saves: focus is
  // restored only once the list shows it (a live update's reload and the save's own can land in either order).
  const refocus = useRef<{ key: string; order: string } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const list = useRef<HTMLOListElement>(null);
  const shownOrder = items.map((i) => i.id).join(',');
  useEffect(() => {
    const pending = refocus.current;
    if (!pending || move.busy || (pending.order !== shownOrder && !move.error)) return;
    list.current?.querySelector<HTMLButtonElement>(`[data-focus-key="${pending.key}"]`)?.focus();
    refocus.current = null;
    const [id] = pending.key.split(':');
    const at = items.findIndex((i) => i.id === id);
    if (!move.error && at >= 0)
      setAnnouncement(t('agenda.movedTo', { title: items[at]!.title, position: at + 1, count: items.length }));
  });

  const reorder = (index: number, delta: -1 | 1) => {
    const item = items[index];
    const target = index + delta;
    if (!item || move.busy) return;
    if (target < 0 || target >= items.length) {
      setAnnouncement(t(target < 0 ? 'agenda.alreadyFirst' : 'agenda.alreadyLast', { title: item.title }));
      return;
    }
    const ids = items.map((i) => i.id);
    ids.splice(index, 1);
    ids.splice(target, 0, item.id);
    refocus.current = { key: `${item.id}:${delta < 0 ? 'up' : 'down'}`, order: ids.join(',') };
    setAnnouncement('');
    void move.run(async () => {
      await lifecycle.agenda.reorder(meeting.id, ids);
      await onChanged();
    });
  };

  return (
    <Panel
      title={t('agenda.title')}
      id="agenda"
      description={meeting.phase === 'held' ? t('agenda.heldRecord') : undefined}
    >
      <FormAlert message={move.error} />
      <p className="visually-hidden" role="status" data-testid="agenda-status">
        {announcement}
      </p>
      {items.length === 0 ? <p className="muted">{t('agenda.empty')}</p> : null}
      <ol className="agenda" ref={list}>
        {items.map((item, i) => (
          <AgendaRow
            key={item.id}
            item={item}
            index={i}
            count={items.length}
            editable={mayEdit(item)}
            reorderable={editable}
            busy={move.busy}
            meetingId={meeting.id}
            onMove={reorder}
            onChanged={onChanged}
          />
        ))}
      </ol>
      {editable ? <AddItem meeting={meeting} group={group} onChanged={onChanged} /> : null}
    </Panel>
  );
}

function AgendaRow({
  item,
  index,
  count,
  editable,
  reorderable,
  busy,
  meetingId,
  onMove,
  onChanged,
}: {
  item: AgendaItem;
  index: number;
  count: number;
  editable: boolean;
  reorderable: boolean;
  busy: boolean;
  meetingId: string;
  onMove: (index: number, delta: -1 | 1) => void;
  onChanged: () => Promise<void>;
}) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(item.title);
  const [notes, setNotes] = useState(item.notes);
  const save = useAction();

  const onSave = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      await lifecycle.agenda.update(meetingId, item.id, { title, notes });
      setEditing(false);
      await onChanged();
    });
  };
  const onDelete = () =>
    void save.run(async () => {
      await lifecycle.agenda.remove(meetingId, item.id);
      await onChanged();
    });

  return (
    <li className="agenda__item" data-agenda-item={item.title}>
      <span className="agenda__num" aria-hidden="true">
        {index + 1}
      </span>
      {editing ? (
        <form className="agenda__edit stack stack--tight" onSubmit={onSave} noValidate>
          <FormAlert message={save.error} />
          <TextField
            label={t('agenda.topic')}
            value={title}
            onChange={setTitle}
            error={save.fields.title}
            maxLength={LIMITS.title}
          />
          <TextAreaField
            label={t('agenda.notes')}
            value={notes}
            onChange={setNotes}
            error={save.fields.notes}
            rows={2}
            maxLength={LIMITS.notes}
          />
          <div className="agenda__buttons">
            <button type="submit" className="btn btn--primary btn--small" disabled={save.busy}>
              {t('common.save')}
            </button>
            <button type="button" className="btn btn--ghost btn--small" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="agenda__text">
          <p className="agenda__title">
            {item.title}
            {item.marking === 'side-only' ? <SideOnlyBadge /> : null}
          </p>
          {item.notes ? <p className="agenda__notes">{item.notes}</p> : null}
          <FormAlert message={save.error} />
        </div>
      )}
      {reorderable && !editing ? (
        <div className="agenda__buttons">
          <button
            type="button"
            className="icon-btn"
            data-focus-key={`${item.id}:up`}
            aria-label={t('agenda.moveUp', { title: item.title })}
            aria-disabled={busy || index === 0 ? true : undefined}
            onClick={() => onMove(index, -1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-btn"
            data-focus-key={`${item.id}:down`}
            aria-label={t('agenda.moveDown', { title: item.title })}
            aria-disabled={busy || index === count - 1 ? true : undefined}
            onClick={() => onMove(index, 1)}
          >
            ↓
          </button>
          {editable ? (
            <>
              <button type="button" className="btn btn--ghost btn--small" onClick={() => setEditing(true)}>
                {t('agenda.edit')}
                <span className="visually-hidden"> {t('agenda.quoted', { title: item.title })}</span>
              </button>
              <button type="button" className="btn btn--danger-ghost btn--small" onClick={onDelete}>
                {t('agenda.delete')}
                <span className="visually-hidden"> {t('agenda.quoted', { title: item.title })}</span>
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function AddItem({ meeting, group, onChanged }: { meeting: Meeting; group: Group; onChanged: () => Promise<void> }) {
  const t = useT();
  const [title, setTitle] = useState('');
  const [notes, setNotes] = useState('');
  const [sideOnly, setSideOnly] = useState(meeting.marking === 'side-only');
  const add = useAction();
  const side = mySide(group);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void add.run(async () => {
      await lifecycle.agenda.add(meeting.id, { title, notes, marking: sideOnly ? 'side-only' : 'shared' });
      setTitle('');
      setNotes('');
      await onChanged();
    });
  };
  return (
    <form className="form-inline-block" onSubmit={onSubmit} noValidate aria-label={t('agenda.addItem')}>
      <FormAlert message={add.error} />
      <div className="agenda__add">
        <TextField
          label={t('agenda.newTopic')}
          value={title}
          onChange={setTitle}
          error={add.fields.title}
          maxLength={LIMITS.title}
        />
        <TextField
          label={t('agenda.notes')}
          value={notes}
          onChange={setNotes}
          error={add.fields.notes}
          maxLength={LIMITS.notes}
        />
        <button type="submit" className="btn btn--secondary" disabled={add.busy}>
          {t('agenda.add')}
        </button>
      </div>
      {side && meeting.marking === 'shared' ? (
        <CheckboxField
          label={t('agenda.sideOnly', { side: side.shortCode })}
          checked={sideOnly}
          onChange={setSideOnly}
        />
      ) : null}
    </form>
  );
}
