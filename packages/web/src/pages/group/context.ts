import type { Agency, Group, Roster } from '@parley/protocol';
import { useOutletContext } from 'react-router';
import { t } from '../../i18n/intl';

export interface GroupContext {
  group: Group;
  roster: Roster;
  /** Sides whose delegation the caller may manage (the server decides again on every write). */
  managedSideIds: Set<string>;
  reload(): Promise<void>;
}

export const useGroupContext = () => useOutletContext<GroupContext>();

const MANAGING_ROLES = new Set(['chair', 'secretariat']);

export function managedSides(group: Group, isAdmin: boolean): Set<string> {
  if (isAdmin) return new Set(group.sides.map((s) => s.id));
  const m = group.myMembership;
  return new Set(m && MANAGING_ROLES.has(m.role) ? [m.sideId] : []);
}

export function agencyOptions(agencies: Agency[]) {
  return [{ value: '', label: t('groups.noAgency') }, ...agencies.map((a) => ({ value: a.id, label: a.name }))];
}
