import { locale } from '../../i18n/intl';

/**
 * Time zone arithmetic on top of Intl only: meetings are stored as instants plus the IANA zone they were planned in.
 * What people read is formatted in the language they chose (`locale()`), whatever the browser's own setting.
 */

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

let zones: string[] | null = null;
export function allZones(): string[] {
  if (!zones) {
    const supported = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    zones = [...new Set(['UTC', ...supported])];
  }
  return zones;
}

/** Offset of `zone` from UTC at the instant `ms`, in milliseconds (positive east of Greenwich). */
function offsetAt(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:mm` wall-clock time in `zone` → ISO instant. Twice, so the offset is the one in force then. */
export function wallToIso(wall: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!m) return null;
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  let ms = guess - offsetAt(guess, zone);
  ms = guess - offsetAt(ms, zone);
  return new Date(ms).toISOString();
}

/** ISO instant → `YYYY-MM-DDTHH:mm` as a clock in `zone` shows it (for datetime-local inputs). */
export function isoToWall(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  const d = new Date(ms + offsetAt(ms, zone));
  return d.toISOString().slice(0, 16);
}

/** The calendar day (`YYYY-MM-DD`) of an instant in `zone`. */
export function dayKey(iso: string | number, zone: string): string {
  const ms = typeof iso === 'number' ? iso : Date.parse(iso);
  return new Date(ms + offsetAt(ms, zone)).toISOString().slice(0, 10);
}

export function formatDate(iso: string, zone?: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'full', ...(zone ? { timeZone: zone } : {}) }).format(
    new Date(iso),
  );
}

export function formatTime(iso: string, zone?: string): string {
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'short', ...(zone ? { timeZone: zone } : {}) }).format(
    new Date(iso),
  );
}

/** "Tue 12 Mar 2030, 09:00 – 11:00 CET" (the end's date only when it differs). */
export function formatSlot(start: string, end: string, zone?: string): string {
  const opts: Intl.DateTimeFormatOptions = zone ? { timeZone: zone } : {};
  const day = new Intl.DateTimeFormat(locale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...opts,
  });
  const time = new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', ...opts });
  const zoned = new Intl.DateTimeFormat(locale(), {
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...opts,
  });
  const sameDay = !zone || dayKey(start, zone) === dayKey(end, zone);
  const endText = sameDay
    ? zoned.format(new Date(end))
    : `${day.format(new Date(end))}, ${zoned.format(new Date(end))}`;
  return `${day.format(new Date(start))}, ${time.format(new Date(start))} – ${endText}`;
}

export function formatWhen(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const unit = (n: number, u: 'hour' | 'minute') =>
    new Intl.NumberFormat(locale(), { style: 'unit', unit: u, unitDisplay: 'short' }).format(n);
  if (h === 0) return unit(m, 'minute');
  return m === 0 ? unit(h, 'hour') : `${unit(h, 'hour')} ${unit(m, 'minute')}`;
}

/** A day string (`YYYY-MM-DD`) as "12 Mar 2030", without shifting it through a time zone. */
export function formatDay(day: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

export function zoneLabel(zone: string): string {
  return zone.replaceAll('_', ' ');
}
