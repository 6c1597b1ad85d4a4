import type { Group, Outcome } from '@parley/protocol';
import type { CSSProperties } from 'react';
import { KindBadge, OutcomeStatusBadge } from '../../components/lifecycle/badges';
import { formatDay } from '../../components/lifecycle/time';
import { SideCode, SideOnlyBadge } from '../../components/ui';
import { useT } from '../../i18n/I18nProvider';
import { sideById } from '../lifecycle-access';

/** A compact, read-only list of register entries (meeting page, group overview). */
export function OutcomeCards({
  outcomes,
  group,
  showStatus = true,
}: {
  outcomes: Outcome[];
  group: Group;
  showStatus?: boolean;
}) {
  const t = useT();
  if (outcomes.length === 0) return null;
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  return (
    <ul className="outcome-cards">
      {outcomes.map((o) => {
        const raised = sideById(group, o.raisedBySideId);
        const to = sideById(group, o.addressedToSideId);
        const answers = o.respondsToId ? byId.get(o.respondsToId) : undefined;
        return (
          <li
            key={o.id}
            className={`outcome-card outcome-card--${o.kind}`}
            style={{ '--side': raised?.colour ?? 'var(--border-strong)' } as CSSProperties}
            data-outcome={o.kind}
          >
            <div className="outcome-card__head">
              <KindBadge kind={o.kind} />
              {raised ? <SideCode side={raised} /> : null}
              {to ? (
                <>
                  <span className="muted small flip-rtl" aria-hidden="true">
                    →
                  </span>
                  <span className="visually-hidden">{t('outcomes.addressedToLower')}</span>
                  <SideCode side={to} />
                </>
              ) : null}
              {o.marking === 'side-only' ? <SideOnlyBadge /> : null}
              {showStatus ? <OutcomeStatusBadge status={o.status} /> : null}
            </div>
            <p className="outcome-card__text">{o.text}</p>
            {answers ? (
              <p className="outcome-card__meta">
                {t('outcomes.respondsTo', { kind: answers.kind, text: clip(answers.text) })}
              </p>
            ) : null}
            {o.ownerName || o.due ? (
              <p className="outcome-card__meta">
                {o.ownerName ? t('outcomes.ownerIs', { name: o.ownerName }) : ''}
                {o.ownerName && o.due ? ' · ' : ''}
                {o.due ? t('outcomes.dueOn', { day: formatDay(o.due) }) : ''}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
