import type { Topic } from '@parley/protocol';
import { useCallback, useEffect, useMemo } from 'react';
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { api } from '../../api/endpoints';
import { realtime } from '../../api/realtime';
import { useUser } from '../../auth/session';
import { FormAlert } from '../../components/forms';
import { Badge, Loading, PageHeader, ROLE_LABELS, SideCode } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { useT } from '../../i18n/I18nProvider';
import { TrackParent } from '../tracks/TrackParent';
import { type GroupContext, managedSides } from './context';

export function GroupPage() {
  const { groupId = '' } = useParams();
  const user = useUser();
  const t = useT();
  const data = useResource(async () => {
    const [group, roster] = await Promise.all([api.groups.get(groupId), api.groups.roster(groupId)]);
    return { group, roster };
  }, groupId);
  const { reload } = data;

  // Live roster: a roster change announced on the group's topic (and any reconnect) triggers one refetch.
  useEffect(() => {
    const topic = `group:${groupId}` as Topic;
    const off = realtime.subscribe(topic, (ev) => {
      if (ev.kind === 'roster.changed') void reload();
    });
    const offReconnect = realtime.onReconnect(() => void reload());
    return () => {
      off();
      offReconnect();
    };
  }, [groupId, reload]);

  const refetch = useCallback(() => reload(), [reload]);
  const context = useMemo<GroupContext | null>(
    () =>
      data.data
        ? {
            group: data.data.group,
            roster: data.data.roster,
            managedSideIds: managedSides(data.data.group, user.isAdmin),
            reload: refetch,
          }
        : null,
    [data.data, user.isAdmin, refetch],
  );

  if (data.loading) return <Loading />;
  if (!context) {
    return (
      <div className="page">
        <PageHeader title={t('groups.unavailable')} />
        <FormAlert message={data.status === 404 || data.status === 403 ? t('groups.unavailableBody') : data.error} />
        <Link to="/groups">{t('groups.backToGroups')}</Link>
      </div>
    );
  }
  const { group } = context;
  const mySide = group.sides.find((s) => s.id === group.myMembership?.sideId);
  const managed = group.sides.filter((s) => context.managedSideIds.has(s.id));
  const memberCount = context.roster.sides.reduce(
    (n, s) => n + s.agencies.reduce((m, a) => m + a.roles.reduce((k, r) => k + r.members.length, 0), 0),
    0,
  );

  return (
    <div className="page">
      <nav aria-label={t('groups.breadcrumb')} className="breadcrumb">
        <Link to="/groups">{t('groups.title')}</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{group.name}</span>
      </nav>
      <PageHeader
        title={group.name}
        eyebrow={
          <>
            {group.kind === 'track' ? t('groups.expertTrack') : t('groups.consultativeGroup')}
            {group.overseeing ? <Badge tone="accent">{t('groups.overseeing')}</Badge> : null}
          </>
        }
        actions={
          mySide && group.myMembership ? (
            <div className="my-seat">
              <SideCode side={mySide} />
              <span>
                <span className="my-seat__label">{t('groups.yourSeat')}</span>
                {ROLE_LABELS[group.myMembership.role]}, {mySide.name}
              </span>
            </div>
          ) : null
        }
      >
        {group.kind === 'track' ? <TrackParent group={group} /> : null}
        {group.description ? <p dir="auto">{group.description}</p> : null}
        <p className="muted small">{t('groups.summary', { sides: group.sides.length, delegates: memberCount })}</p>
      </PageHeader>
      <nav className="subnav" aria-label={t('groups.sections')}>
        <NavLink to={`/groups/${group.id}`} end className="subnav__link">
          {t('groups.overview')}
          <span className="visually-hidden">{t('groups.andRoster')}</span>
        </NavLink>
        <NavLink to={`/groups/${group.id}/meetings`} className="subnav__link">
          {t('groups.meetings')}
        </NavLink>
        <NavLink to={`/groups/${group.id}/outcomes`} className="subnav__link">
          {t('groups.outcomes')}
        </NavLink>
        <NavLink to={`/groups/${group.id}/statements`} className="subnav__link">
          {t('groups.statements')}
        </NavLink>
        {group.myMembership?.role === 'chair' && group.sides.length > 1 ? (
          <NavLink to={`/groups/${group.id}/backchannel`} className="subnav__link">
            {t('groups.backChannel')}
          </NavLink>
        ) : null}
        {group.myMembership ? (
          <NavLink to={`/groups/${group.id}/caucus`} className="subnav__link">
            {t('groups.caucus')}
          </NavLink>
        ) : null}
        {managed.map((s) => (
          <NavLink key={s.id} to={`/groups/${group.id}/delegation/${s.id}`} className="subnav__link">
            {managed.length > 1 ? t('groups.manageDelegationOf', { side: s.shortCode }) : t('groups.manageDelegation')}
          </NavLink>
        ))}
      </nav>
      <Outlet context={context} />
    </div>
  );
}
