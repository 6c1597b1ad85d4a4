import type { Group } from '@parley/protocol';
import { FormattedMessage } from 'react-intl';
import { Link } from 'react-router';
import { api } from '../api/endpoints';
import { useUser } from '../auth/session';
import { FormAlert } from '../components/forms';
import { Badge, EmptyState, Loading, PageHeader, ROLE_LABELS, SideCode } from '../components/ui';
import { useResource } from '../components/useResource';
import { useT } from '../i18n/I18nProvider';

export function GroupsPage() {
  const user = useUser();
  const t = useT();
  const groups = useResource(() => api.groups.list(), '');
  const list = groups.data?.groups ?? [];
  const byId = new Map(list.map((g) => [g.id, g]));
  // Tracks are listed right under their parent group.
  const ordered = list
    .filter((g) => g.kind === 'group' || !g.parentGroupId || !byId.has(g.parentGroupId))
    .flatMap((g) => [g, ...list.filter((k) => k.kind === 'track' && k.parentGroupId === g.id)]);

  return (
    <div className="page">
      <PageHeader title={t('groups.title')} eyebrow={t('common.workspace')}>
        {t('groups.lede')}
      </PageHeader>
      <FormAlert message={groups.error} />
      {groups.loading ? (
        <Loading />
      ) : ordered.length === 0 ? (
        <EmptyState title={t('groups.emptyTitle')}>
          {user.isAdmin ? (
            <p>
              <FormattedMessage id="groups.emptyAdmin" values={{ link: (words) => <Link to="/admin">{words}</Link> }} />
            </p>
          ) : (
            <p>{t('groups.emptyMember')}</p>
          )}
        </EmptyState>
      ) : (
        <ul className="group-list">
          {ordered.map((g) => (
            <GroupRow key={g.id} group={g} parent={g.parentGroupId ? byId.get(g.parentGroupId) : undefined} />
          ))}
        </ul>
      )}
    </div>
  );
}

function GroupRow({ group, parent }: { group: Group; parent: Group | undefined }) {
  const mySide = group.sides.find((s) => s.id === group.myMembership?.sideId);
  const t = useT();
  return (
    <li className={`group-row${group.kind === 'track' && parent ? ' group-row--track' : ''}`}>
      <div className="group-row__main">
        <div className="group-row__title">
          <Link to={`/groups/${group.id}`} className="group-row__link">
            {group.name}
          </Link>
          {group.kind === 'track' ? <Badge>{t('groups.track')}</Badge> : null}
          {group.overseeing ? <Badge tone="accent">{t('groups.overseeing')}</Badge> : null}
        </div>
        {group.description ? (
          <p className="group-row__desc" dir="auto">
            {group.description}
          </p>
        ) : null}
        {group.kind === 'track' && parent ? (
          <p className="group-row__meta">{t('groups.trackOf', { parent: parent.name })}</p>
        ) : null}
      </div>
      <div className="group-row__sides">
        {group.sides.map((s) => (
          <SideCode key={s.id} side={s} />
        ))}
      </div>
      <div className="group-row__me">
        {mySide && group.myMembership ? (
          <>
            <span className="group-row__me-label">{t('groups.yourSeat')}</span>
            <span>
              {ROLE_LABELS[group.myMembership.role]} · {mySide.name}
            </span>
          </>
        ) : (
          <span className="muted">{group.overseeing ? t('groups.oversight') : t('groups.adminAccess')}</span>
        )}
      </div>
    </li>
  );
}
