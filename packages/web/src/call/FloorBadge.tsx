import { useT } from '../i18n/I18nProvider';
import { HandIcon } from './icons';
import { clock, useNow } from './useFloor';

/** "Has the floor 2:14" on the speaker's tile and roster row; orange once their side's allowance is spent. */
export function FloorBadge({ since, skew, over }: { since: string; skew: number; over: boolean }) {
  const t = useT();
  const now = useNow(true, skew);
  return (
    <span className={`floor-badge${over ? ' floor-badge--over' : ''}`} data-testid="floor-badge">
      {t('negotiation.hasFloor')}
      <span className="visually-hidden"> {t('negotiation.badgeFor')}</span> {clock((now - Date.parse(since)) / 1000)}
      {over ? <span className="visually-hidden">{t('negotiation.badgeOver')}</span> : null}
    </span>
  );
}

/** "Hand raised · 2nd" in the roster. */
export function HandBadge({ position }: { position: number }) {
  const t = useT();
  return (
    <span className="floor-badge floor-badge--hand">
      <HandIcon /> {position}
      <span className="visually-hidden">{t('negotiation.handPosition', { position })}</span>
    </span>
  );
}
