import type { CreateOutcomeBody, Marking } from '@parley/protocol';
import type { LanguageChange } from '../../../lib/languages.js';
import { loadActorFacts } from '../../../policy/actor.js';
import type { ActorFacts, GroupFacts } from '../../../policy/policy.js';
import type { Persona, World } from '../../../test-support/world.js';
import { membersOfGroup } from '../../groups/queries.js';
import { createMeeting } from '../../meetings/service.js';
import { createReadout, publishReadout } from '../../readouts/service.js';
import { approveStatement, createStatement } from '../../statements/service.js';
import { createOutcome } from '../service.js';

type Member = Exclude<Persona, 'anonymous' | 'outsider'>;

/** Fixtures for the consultation-lifecycle tests and matrix rows, written through the real services. */
export const actor = (w: World, p: Member): Promise<ActorFacts> =>
  loadActorFacts(w.ctx.db, w.users[p].id, p === 'admin');

export async function makeMeeting(
  w: World,
  opts: { marking?: Marking; group?: GroupFacts; sideId?: string; daysAhead?: number; title?: string } = {},
) {
  const marking = opts.marking ?? 'shared';
  const start = new Date(Date.now() + (opts.daysAhead ?? 7) * 86_400_000);
  return createMeeting(w.ctx, { userId: w.users.admin.id, sideId: null }, opts.group ?? w.group, {
    title: opts.title ?? 'Consultation',
    format: 'video',
    location: '',
    start,
    end: new Date(start.getTime() + 2 * 3_600_000),
    timeZone: 'Europe/Berlin',
    marking,
    sideId: marking === 'side-only' ? (opts.sideId ?? w.sideA) : null,
  });
}

export async function makeOutcome(w: World, p: Member, input: Partial<CreateOutcomeBody> = {}) {
  return createOutcome(w.ctx, await actor(w, p), w.group, {
    kind: 'concern',
    text: 'A concern about the course of action',
    raisedBySideId: null,
    addressedToSideId: null,
    respondsToId: null,
    ownerUserId: null,
    due: null,
    status: 'open',
    marking: 'shared',
    meetingId: null,
    agendaItemId: null,
    ...input,
  });
}

export async function makeReadout(w: World, p: Member, text: string, meetingId?: string) {
  const m = meetingId ?? (await makeMeeting(w)).id;
  return createReadout(w.ctx, await actor(w, p), w.group, { meetingId: m, title: 'Readout', text });
}

export async function publishedReadout(w: World, text: string) {
  const r = await makeReadout(w, 'chairB', text);
  return publishReadout(w.ctx, await actor(w, 'chairB'), w.group, r.id, 1);
}

export async function makeStatement(
  w: World,
  text = 'Both sides agreed on a shared objective.',
  languages: LanguageChange = {},
) {
  return createStatement(w.ctx, await actor(w, 'memberA'), w.group, { text, meetingId: null, ...languages });
}

export async function publishedStatement(w: World, text: string, languages: LanguageChange = {}) {
  const s = await makeStatement(w, text, languages);
  await approveStatement(w.ctx, await actor(w, 'chairA'), w.group, s.id, w.sideA, s.textHash);
  return approveStatement(w.ctx, await actor(w, 'chairB'), w.group, s.id, w.sideB, s.textHash);
}

export async function membershipIdOf(w: World, p: Member): Promise<string> {
  const m = (await membersOfGroup(w.ctx.db, w.group.id)).find((x) => x.userId === w.users[p].id);
  return m!.id;
}
