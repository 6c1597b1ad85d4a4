import { TimeZone } from '@parley/protocol';
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
  if (!slot.start) problems.start = 'is required: pick a day and a time';
  if (!slot.end) problems.end = 'is required: pick a day and a time';
  if (!zoneCheck.success) {
    // Both clocks are in the same zone, whichever it turns out to be: their order can be checked already.
    if (slot.start && slot.end && slot.end <= slot.start) problems.end = 'must be after start';
    return { problems };
  }
  const start = slot.start ? (wallToIso(slot.start, zoneCheck.data) ?? undefined) : undefined;
  const end = slot.end ? (wallToIso(slot.end, zoneCheck.data) ?? undefined) : undefined;
  if (slot.start && !start) problems.start = 'must be a day and a time';
  if (slot.end && !end) problems.end = 'must be a day and a time';
  if (start && end && Date.parse(end) <= Date.parse(start)) problems.end = 'must be after start';
  return { ...(start ? { start } : {}), ...(end ? { end } : {}), problems };
}
