import type { Agency, Membership, Role } from '@parley/protocol';
import { useState } from 'react';
import { api } from '../../api/endpoints';
import { useAction } from '../../components/forms';
import { ROLE_LABELS, ROLE_OPTIONS, SideOnlyBadge } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { agencyOptions } from './context';

/** One delegate; edits happen in place with compact, individually labelled controls. */
export function MemberRow({
  groupId,
  member,
  agencies,
  onChanged,
}: {
  groupId: string;
  member: Membership;
  agencies: Agency[];
  onChanged: () => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [role, setRole] = useState<Role>(member.role);
  const [agencyId, setAgencyId] = useState(member.agencyId ?? '');
  const [title, setTitle] = useState(member.title);
  const [sideOnly, setSideOnly] = useState(member.marking === 'side-only');
  const action = useAction();
  const t = useT();
  const who = member.displayName;
  const agencyName = agencies.find((a) => a.id === member.agencyId)?.name;

  const startEdit = () => {
    setRole(member.role);
    setAgencyId(member.agencyId ?? '');
    setTitle(member.title);
    setSideOnly(member.marking === 'side-only');
    action.reset();
    setEditing(true);
  };
  const save = () =>
    action.run(async () => {
      await api.groups.updateMember(groupId, member.id, {
        role,
        agencyId: agencyId || null,
        title,
        marking: sideOnly ? 'side-only' : 'shared',
      });
      setEditing(false);
      await onChanged();
    });
  const remove = () => {
    if (!window.confirm(t('delegation.removeMemberConfirm', { name: who }))) return;
    void action.run(async () => {
      await api.groups.removeMember(groupId, member.id);
      await onChanged();
    });
  };

  const nameCell = (
    <th scope="row">
      <span className="strong">{who}</span>
      {member.email ? (
        <span className="block muted small">
          <bdi>{member.email}</bdi>
        </span>
      ) : null}
      {action.error ? (
        <span className="block field__error" role="alert">
          {action.error}
        </span>
      ) : null}
    </th>
  );

  if (!editing) {
    return (
      <tr>
        {nameCell}
        <td>{ROLE_LABELS[member.role]}</td>
        <td>{agencyName ?? <span className="muted">—</span>}</td>
        <td>{member.title || <span className="muted">—</span>}</td>
        <td>
          {member.marking === 'side-only' ? (
            <SideOnlyBadge />
          ) : (
            <span className="muted">{t('delegation.allSides')}</span>
          )}
        </td>
        <td className="table__actions">
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={startEdit}
            aria-label={t('delegation.editLabel', { name: who })}
          >
            {t('delegation.edit')}
          </button>
          <button
            type="button"
            className="btn btn--danger-ghost btn--small"
            onClick={remove}
            aria-label={t('delegation.removeLabel', { name: who })}
            disabled={action.busy}
          >
            {t('delegation.remove')}
          </button>
        </td>
      </tr>
    );
  }
  return (
    <tr className="table__editing">
      {nameCell}
      <td>
        <select
          aria-label={t('delegation.roleOf', { name: who })}
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
        >
          {ROLE_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </td>
      <td>
        <select
          aria-label={t('delegation.agencyOf', { name: who })}
          value={agencyId}
          onChange={(e) => setAgencyId(e.target.value)}
          aria-invalid={action.fields.agencyId ? true : undefined}
        >
          {agencyOptions(agencies).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          aria-label={t('delegation.titleOf', { name: who })}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={action.fields.title ? true : undefined}
        />
        {action.fields.title ? <span className="block field__error">{action.fields.title}</span> : null}
      </td>
      <td>
        <label className="inline-check">
          <input type="checkbox" checked={sideOnly} onChange={(e) => setSideOnly(e.target.checked)} />
          {t('common.sideOnly')}
        </label>
      </td>
      <td className="table__actions">
        <button type="button" className="btn btn--primary btn--small" onClick={save} disabled={action.busy}>
          {t('common.save')}
        </button>
        <button type="button" className="btn btn--ghost btn--small" onClick={() => setEditing(false)}>
          {t('common.cancel')}
        </button>
      </td>
    </tr>
  );
}
