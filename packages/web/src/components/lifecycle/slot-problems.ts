import { TimeZone } from '@parley/protocol';
import { t } from '../../i18n/intl';
import { wallToIso } from './time';

/**
 * A start and end typed as clocks in `zone`, turned into instants, with every problem found named by its field
 * (an unknown zone is one problem of the zone field, not an exception that hides the others).
 */
export function slotProblems(
  slot: { start: string; end: string },
  zone: string,
): { start?: string; end?: string; problems: Record<string, string | undefined> } {
  const zoneCheck = TimeZone.safeParse(zone);
  const problems: Record<string, string | undefined> = {};
  if (!zoneCheck.success) problems.timeZone = zoneCheck.error.issues[0]?.message;
  if (!slot.start) problems.start = t('validation.day_and_time');
  if (!slot.end) problems.end = t('validation.day_and_time');
  if (!zoneCheck.success) {
    // Both clocks are in the same zone, whichever it turns out to be: their order can be checked already.
    if (slot.start && slot.end && slot.end <= slot.start) problems.end = t('validation.end_after_start');
    return { problems };
  }
  const start = slot.start ? (wallToIso(slot.start, zoneCheck.data) ?? undefined) : undefined;
  const end = slot.end ? (wallToIso(slot.end, zoneCheck.data) ?? undefined) : undefined;
  if (slot.start && !start) problems.start = t('validation.day_and_time');
  if (slot.end && !end) problems.end = t('validation.day_and_time');
  if (start && end && Date.parse(end) <= Date.parse(start)) problems.end = t('validation.end_after_start');
  return { ...(start ? { start } : {}), ...(end ? { end } : {}), problems };
}
