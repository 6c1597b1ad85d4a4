import type { Agency } from '@parley/protocol';
import { useEffect } from 'react';
import { api } from '../../api/endpoints';
import { FormAlert, useAction } from '../../components/forms';
import { formatDateTime, ROLE_LABELS, SideOnlyBadge } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';

/** Invitations of this side not yet used; links cannot be shown again, only revoked. */
export function PendingInvitations({
  groupId,
  sideId,
  agencies,
  version,
}: {
  groupId: string;
  sideId: string;
  agencies: Agency[];
  /** Bumped by the parent after it creates an invitation. */
  version: number;
}) {
  const list = useResource(() => api.groups.invitations(groupId), groupId);
  const revoke = useAction();
  const t = useT();
  const { reload } = list;
  useEffect(() => {
    if (version > 0) void reload();
  }, [version, reload]);

  const pending = (list.data?.invitations ?? []).filter((i) => i.sideId === sideId);
  if (list.loading || (pending.length === 0 && !list.error)) return null;

  const onRevoke = (id: string) => {
    if (!window.confirm(t('delegation.revokeInvitationConfirm'))) return;
    void revoke.run(async () => {
      await api.groups.revokeInvitation(groupId, id);
      await reload();
    });
  };

  return (
    <div className="form-inline-block">
      <h3 className="form-title">{t('delegation.pendingInvitations')}</h3>
      <FormAlert message={list.error ?? revoke.error} />
      <ul className="plain-list">
        {pending.map((i) => (
          <li key={i.id} className="plain-list__row">
            <span>
              <span className="strong">{ROLE_LABELS[i.role]}</span>
              {i.title ? `, ${i.title}` : ''}
              {i.agencyId
                ? ` · ${agencies.find((a) => a.id === i.agencyId)?.name ?? t('delegation.agencyUnknown')}`
                : ''}{' '}
              {i.marking === 'side-only' ? <SideOnlyBadge /> : null}
              <span className="block muted small">
                {i.email
                  ? t('delegation.invitationForExpires', { email: i.email, when: formatDateTime(i.expiresAt) })
                  : t('delegation.invitationExpires', { when: formatDateTime(i.expiresAt) })}
              </span>
            </span>
            <button
              type="button"
              className="btn btn--danger-ghost btn--small"
              onClick={() => onRevoke(i.id)}
              disabled={revoke.busy}
              aria-label={t('delegation.revokeInvitationLabel', { who: i.email ?? ROLE_LABELS[i.role] })}
            >
              {t('delegation.revoke')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
