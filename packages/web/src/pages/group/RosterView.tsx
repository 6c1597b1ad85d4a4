import type { Membership, Roster } from '@parley/protocol';
import type { CSSProperties } from 'react';
import { Link } from 'react-router';
import { EmptyState, ROLE_PLURAL, SideCode, SideOnlyBadge } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { useGroupContext } from './context';

type RosterSide = Roster['sides'][number];

export function RosterView() {
  const { roster, group, managedSideIds } = useGroupContext();
  const t = useT();
  if (roster.sides.length === 0) {
    return <EmptyState title={t('groups.noSides')}>{t('groups.noSidesBody')}</EmptyState>;
  }
  return (
    <div className="roster">
      {roster.sides.map((s) => (
        <SideColumn
          key={s.side.id}
          entry={s}
          own={group.myMembership?.sideId === s.side.id}
          manageHref={managedSideIds.has(s.side.id) ? `/groups/${group.id}/delegation/${s.side.id}` : null}
        />
      ))}
    </div>
  );
}

function SideColumn({ entry, own, manageHref }: { entry: RosterSide; own: boolean; manageHref: string | null }) {
  const { side, agencies } = entry;
  const count = agencies.reduce((n, a) => n + a.roles.reduce((m, r) => m + r.members.length, 0), 0);
  const headingId = `side-${side.id}`;
  const t = useT();
  return (
    <section
      className="roster-side"
      style={{ '--side': side.colour } as CSSProperties}
      aria-labelledby={headingId}
      data-side={side.shortCode}
    >
      <header className="roster-side__head">
        <SideCode side={side} large />
        <div className="roster-side__title">
          <h2 id={headingId}>{side.name}</h2>
          <p className="muted small">
            {t('groups.delegateCount', { count })}
            {own ? t('groups.yourSide') : ''}
          </p>
        </div>
        {manageHref ? (
          <Link to={manageHref} className="btn btn--secondary btn--small">
            {t('groups.manage')}
          </Link>
        ) : null}
      </header>
      {agencies.length === 0 ? <p className="muted roster-side__empty">{t('groups.noDelegates')}</p> : null}
      {agencies.map((a) => (
        <div className="roster-agency" key={a.agency?.id ?? 'none'} data-agency={a.agency?.name ?? ''}>
          <h3 className="roster-agency__name">
            {a.agency ? a.agency.name : t('groups.noAgency')}
            {a.agency?.marking === 'side-only' ? <SideOnlyBadge /> : null}
          </h3>
          {a.roles.length === 0 ? (
            <p className="muted small roster-agency__empty">{t('groups.noDelegatesInAgency')}</p>
          ) : null}
          {a.roles.map((r) => (
            <div className="roster-role" key={r.role}>
              <h4 className="roster-role__name">{ROLE_PLURAL[r.role]}</h4>
              <ul className="roster-members">
                {r.members.map((m) => (
                  <MemberItem key={m.id} m={m} />
                ))}
              </ul>
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}

function MemberItem({ m }: { m: Membership }) {
  return (
    <li className="roster-member">
      <span className="roster-member__avatar" aria-hidden="true">
        {initials(m.displayName)}
      </span>
      <span className="roster-member__text">
        <span className="roster-member__name">
          {m.displayName}
          {m.marking === 'side-only' ? <SideOnlyBadge /> : null}
        </span>
        {m.title ? <span className="roster-member__title">{m.title}</span> : null}
        {m.email ? <span className="roster-member__email">{m.email}</span> : null}
      </span>
    </li>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}
