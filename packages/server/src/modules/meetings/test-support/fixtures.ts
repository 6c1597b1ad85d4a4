import type { MeetingFormat } from '@parley/protocol';
import type { Persona, World } from '../../../test-support/world.js';
import { addAgendaItem } from '../agenda-service.js';
import type { MeetingRow } from '../queries.js';
import * as svc from '../service.js';

let n = 0;
export const unique = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

export const DAY = 24 * 3_600_000;
/** A slot `days` from now, two hours long, on the hour. */
export function slot(days: number, hours = 2) {
  const start = new Date(Math.ceil((Date.now() + days * DAY) / 3_600_000) * 3_600_000);
  return { start, end: new Date(start.getTime() + hours * 3_600_000) };
}

export const SIDE_B_PERSONAS: ReadonlySet<Persona> = new Set(['chairB', 'memberB']);
export const sideOf = (w: World, p: Persona) => (SIDE_B_PERSONAS.has(p) ? w.sideB : w.sideA);

export const chairA = (w: World) => ({ userId: w.users.chairA.id, sideId: w.sideA });

export type FreshState = 'planned' | 'cancelled' | 'in_progress' | 'held';

/** A shared meeting created by side A's chair and driven through the services to the wanted state. */
export async function freshMeeting(
  w: World,
  state: FreshState = 'planned',
  opts: { format?: MeetingFormat; title?: string; days?: number } = {},
): Promise<MeetingRow> {
  const s = slot(opts.days ?? 7);
  const format = opts.format ?? 'in_person';
  let m = await svc.createMeeting(w.ctx, chairA(w), w.group, {
    title: opts.title ?? `Meeting ${unique()}`,
    format,
    location: format === 'video' ? '' : 'Capital Conference Centre',
    start: s.start,
    end: s.end,
    timeZone: 'Europe/Berlin',
    marking: 'shared',
    sideId: null,
  });
  if (state === 'cancelled') {
    m = await svc.cancelMeeting(w.ctx, chairA(w), w.group, m.id, { reason: 'Fixture', bySideId: w.sideA });
  }
  if (state === 'in_progress' || state === 'held') m = await svc.startMeeting(w.ctx, chairA(w), w.group, m.id);
  if (state === 'held') m = await svc.endMeeting(w.ctx, chairA(w), w.group, m.id);
  return m;
}

/** A side-only meeting of side A, planned by its chair. */
export async function sideOnlyMeeting(w: World, title = `Side A prep ${unique()}`): Promise<MeetingRow> {
  const s = slot(5);
  return svc.createMeeting(w.ctx, chairA(w), w.group, {
    title,
    format: 'video',
    location: '',
    start: s.start,
    end: s.end,
    timeZone: 'UTC',
    marking: 'side-only',
    sideId: w.sideA,
  });
}

export interface Secrets {
  /** Side A's side-only meeting. */
  privateMeeting: MeetingRow;
  /** A shared meeting carrying one side-only agenda item of side A. */
  sharedMeeting: MeetingRow;
  privateItemId: string;
  sharedItemIds: string[];
  strings: string[];
}

const memo = new WeakMap<World, Promise<Secrets>>();

/** Side A's side-only content, created once per world; `strings` must never reach side B. */
export function meetingSecrets(w: World): Promise<Secrets> {
  let p = memo.get(w);
  if (!p) {
    p = (async () => {
      const s = slot(3);
      const privateMeeting = await svc.createMeeting(w.ctx, chairA(w), w.group, {
        title: 'Aldoria internal prep: red lines',
        format: 'in_person',
        location: 'Situation Room Alpha',
        start: s.start,
        end: s.end,
        timeZone: 'Europe/Lisbon',
        marking: 'side-only',
        sideId: w.sideA,
      });
      const prepItem = await addAgendaItem(w.ctx, w.users.chairA.id, w.group, privateMeeting.id, {
        title: 'Fallback position on basing',
        notes: 'Keep to ourselves',
        marking: 'side-only',
        sideId: w.sideA,
      });
      const sharedMeeting = await freshMeeting(w, 'planned', { title: 'Plenary session' });
      const shared1 = await addAgendaItem(w.ctx, w.users.chairA.id, w.group, sharedMeeting.id, {
        title: 'Opening statements',
        notes: '',
        marking: 'shared',
        sideId: null,
      });
      const privateItem = await addAgendaItem(w.ctx, w.users.chairA.id, w.group, sharedMeeting.id, {
        title: 'Aldoria caucus on concessions',
        notes: 'Walk-away point: clause 7',
        marking: 'side-only',
        sideId: w.sideA,
      });
      const shared2 = await addAgendaItem(w.ctx, w.users.chairA.id, w.group, sharedMeeting.id, {
        title: 'Next steps',
        notes: '',
        marking: 'shared',
        sideId: null,
      });
      // A side-only delegate of A acting on shared content: B must not learn who it was (history, audit trail).
      const technical = await freshMeeting(w, 'planned', { title: 'Technical talks' });
      await addAgendaItem(w.ctx, w.hiddenMemberA.id, w.group, technical.id, {
        title: 'Technical annex',
        notes: '',
        marking: 'shared',
        sideId: null,
      });
      return {
        privateMeeting,
        sharedMeeting,
        privateItemId: privateItem.id,
        sharedItemIds: [shared1.id, shared2.id],
        strings: [
          privateMeeting.id,
          privateMeeting.title,
          privateMeeting.location,
          privateMeeting.icalUid,
          prepItem.id,
          prepItem.title,
          privateItem.id,
          'Aldoria caucus on concessions',
          'Walk-away point: clause 7',
        ],
      };
    })();
    memo.set(w, p);
  }
  return p;
}
