import type { MatrixCase } from '../../test-support/matrix.js';
import type { Persona } from '../../test-support/world.js';
import { addAgendaItem } from './agenda-service.js';
import {
  freshMeeting,
  meetingSecrets,
  SIDE_B_PERSONAS,
  sideOf,
  sideOnlyMeeting,
  slot,
  unique,
} from './test-support/fixtures.js';

const READERS = ['admin', 'chairA', 'memberA', 'observerA', 'chairB', 'memberB'] as const;
const DELEGATES = ['chairA', 'memberA', 'chairB', 'memberB'] as const;
const CHAIRS = ['chairA', 'chairB'] as const;
const iso = (d: Date) => d.toISOString();

export const matrix: MatrixCase[] = [
  {
    route: 'GET /api/groups/{groupId}/meetings',
    allow: READERS,
    request: (w) => ({ url: `/api/groups/${w.group.id}/meetings` }),
  },
  {
    route: 'POST /api/groups/{groupId}/meetings',
    allow: DELEGATES,
    why: 'delegates of either side propose meetings; observers and the operator do not',
    request: (w) => {
      const s = slot(10);
      return {
        url: `/api/groups/${w.group.id}/meetings`,
        body: { title: `Proposal ${unique()}`, format: 'video', start: iso(s.start), end: iso(s.end), timeZone: 'UTC' },
      };
    },
  },
  {
    route: 'GET /api/meetings/{meetingId}',
    allow: READERS,
    request: async (w) => ({ url: `/api/meetings/${(await meetingSecrets(w)).sharedMeeting.id}` }),
  },
  {
    route: 'PATCH /api/meetings/{meetingId}',
    allow: DELEGATES,
    request: async (w) => ({ url: `/api/meetings/${(await freshMeeting(w)).id}`, body: { title: 'Renamed' } }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/cancel',
    allow: CHAIRS,
    why: 'a chair (or the secretariat) cancels on behalf of their own side',
    request: async (w, p) => ({
      url: `/api/meetings/${(await freshMeeting(w)).id}/cancel`,
      body: { reason: 'Council vote', bySideId: sideOf(w, p) },
    }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/re-request',
    allow: CHAIRS,
    request: async (w, p) => ({
      url: `/api/meetings/${(await freshMeeting(w, 'cancelled')).id}/re-request`,
      body: { bySideId: sideOf(w, p), channel: 'back_channel', backChannelRef: crypto.randomUUID() },
    }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/postpone',
    allow: CHAIRS,
    request: async (w) => ({ url: `/api/meetings/${(await freshMeeting(w)).id}/postpone`, body: {} }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/reschedule',
    allow: DELEGATES,
    request: async (w) => {
      const s = slot(12);
      return {
        url: `/api/meetings/${(await freshMeeting(w)).id}/reschedule`,
        body: { start: iso(s.start), end: iso(s.end), timeZone: 'Asia/Tokyo' },
      };
    },
  },
  {
    route: 'POST /api/meetings/{meetingId}/change-format',
    allow: DELEGATES,
    request: async (w) => ({
      url: `/api/meetings/${(await freshMeeting(w)).id}/change-format`,
      body: { format: 'video', reason: 'No travel needed' },
    }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/share',
    allow: ['chairA'],
    why: 'only a chair of the owning side reclassifies its side-only meeting; the others do not even see it',
    request: async (w) => ({ url: `/api/meetings/${(await sideOnlyMeeting(w)).id}/share`, body: { confirm: true } }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/start',
    allow: CHAIRS,
    request: async (w) => ({ url: `/api/meetings/${(await freshMeeting(w)).id}/start`, body: {} }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/end',
    allow: CHAIRS,
    request: async (w) => ({ url: `/api/meetings/${(await freshMeeting(w, 'in_progress')).id}/end`, body: {} }),
  },
  {
    route: 'GET /api/meetings/{meetingId}/invite.ics',
    allow: READERS,
    request: async (w) => ({ url: `/api/meetings/${(await meetingSecrets(w)).sharedMeeting.id}/invite.ics` }),
  },
  {
    route: 'GET /api/meetings/{meetingId}/agenda',
    allow: READERS,
    request: async (w) => ({ url: `/api/meetings/${(await meetingSecrets(w)).sharedMeeting.id}/agenda` }),
  },
  {
    route: 'POST /api/meetings/{meetingId}/agenda',
    allow: DELEGATES,
    request: async (w) => ({
      url: `/api/meetings/${(await freshMeeting(w)).id}/agenda`,
      body: { title: `Item ${unique()}` },
    }),
  },
  {
    route: 'PATCH /api/meetings/{meetingId}/agenda/{itemId}',
    allow: DELEGATES,
    request: async (w) => {
      const m = await freshMeeting(w);
      const item = await addAgendaItem(w.ctx, w.users.chairA.id, w.group, m.id, {
        title: 'Draft',
        notes: '',
        marking: 'shared',
        sideId: null,
      });
      return { url: `/api/meetings/${m.id}/agenda/${item.id}`, body: { notes: 'Edited' } };
    },
  },
  {
    route: 'DELETE /api/meetings/{meetingId}/agenda/{itemId}',
    allow: DELEGATES,
    request: async (w) => {
      const m = await freshMeeting(w);
      const item = await addAgendaItem(w.ctx, w.users.chairA.id, w.group, m.id, {
        title: 'Drop me',
        notes: '',
        marking: 'shared',
        sideId: null,
      });
      return { url: `/api/meetings/${m.id}/agenda/${item.id}` };
    },
  },
  {
    route: 'PUT /api/meetings/{meetingId}/agenda/order',
    allow: DELEGATES,
    why: 'each side orders the items it can see; the other side’s side-only items keep their places',
    request: async (w, p: Persona) => {
      const s = await meetingSecrets(w);
      const visible = SIDE_B_PERSONAS.has(p) ? s.sharedItemIds : [...s.sharedItemIds, s.privateItemId];
      return { url: `/api/meetings/${s.sharedMeeting.id}/agenda/order`, body: { itemIds: [...visible].reverse() } };
    },
  },
];

export async function seedSecrets(w: Parameters<typeof meetingSecrets>[0]): Promise<string[]> {
  return (await meetingSecrets(w)).strings;
}
