import type { Topic } from '@parley/protocol';
import { useCallback, useEffect, useMemo } from 'react';
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { api } from '../../api/endpoints';
import { realtime } from '../../api/realtime';
import { useUser } from '../../auth/session';
import { FormAlert } from '../../components/forms';
import { Badge, Loading, PageHeader, ROLE_LABELS, SideCode } from '../../components/ui';
import { useResource } from '../../components/useResource';
import { TrackParent } from '../tracks/TrackParent';
import { type GroupContext, managedSides } from './context';

export function GroupPage() {
  const { groupId = '' } = useParams();
  const user = useUser();
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
        <PageHeader title="Group unavailable" />
        <FormAlert
          message={
            data.status === 404 || data.status === 403 ? 'This group does not exist or is not open to you.' : data.error
          }
        />
        <Link to="/groups">Back to groups</Link>
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
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/groups">Groups</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{group.name}</span>
      </nav>
      <PageHeader
        title={group.name}
        eyebrow={
          <>
            {group.kind === 'track' ? 'Expert track' : 'Consultative group'}
            {group.overseeing ? <Badge tone="accent">Overseeing</Badge> : null}
          </>
        }
        actions={
          mySide && group.myMembership ? (
            <div className="my-seat">
              <SideCode side={mySide} />
              <span>
                <span className="my-seat__label">Your seat</span>
                {ROLE_LABELS[group.myMembership.role]}, {mySide.name}
              </span>
            </div>
          ) : null
        }
      >
        {group.kind === 'track' ? <TrackParent group={group} /> : null}
        {group.description ? <p>{group.description}</p> : null}
        <p className="muted small">
          {group.sides.length} {group.sides.length === 1 ? 'side' : 'sides'} · {memberCount} delegates visible to you
        </p>
      </PageHeader>
      <nav className="subnav" aria-label="Group sections">
        <NavLink to={`/groups/${group.id}`} end className="subnav__link">
          Overview<span className="visually-hidden"> and roster</span>
        </NavLink>
        <NavLink to={`/groups/${group.id}/meetings`} className="subnav__link">
          Meetings
        </NavLink>
        <NavLink to={`/groups/${group.id}/outcomes`} className="subnav__link">
          Outcomes
        </NavLink>
        <NavLink to={`/groups/${group.id}/statements`} className="subnav__link">
          Statements
        </NavLink>
        {group.myMembership?.role === 'chair' && group.sides.length > 1 ? (
          <NavLink to={`/groups/${group.id}/backchannel`} className="subnav__link">
            Back channel
          </NavLink>
        ) : null}
        {group.myMembership ? (
          <NavLink to={`/groups/${group.id}/caucus`} className="subnav__link">
            Caucus
          </NavLink>
        ) : null}
        {managed.map((s) => (
          <NavLink key={s.id} to={`/groups/${group.id}/delegation/${s.id}`} className="subnav__link">
            Manage delegation{managed.length > 1 ? ` · ${s.shortCode}` : ''}
          </NavLink>
        ))}
      </nav>
      <Outlet context={context} />
    </div>
  );
}
