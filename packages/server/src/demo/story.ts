import type { AppContext } from '../context.js';
import type { InjectClient } from '../lib/inject-client.js';
import { quietReRequest } from './backchannel.js';

/**
 * The demo group's story (docs/architecture.md §8), told through the real API as its people would: an in-person round in
 * Aldoria's capital is cancelled by Belmora over a vote at an international council, re-requested a day later
 * through the back channel, and held by secure video for two hours; outcomes, a follow-up expert track with an
 * in-person meeting next week, each side's readout and a joint statement approved by both sides follow.
 */

type Res = { statusCode: number; body: string; json(): unknown };
type AsPerson = (email: string) => Promise<InjectClient>;

async function ok<T>(label: string, res: Res): Promise<T> {
  if (res.statusCode >= 300) throw new Error(`demo story: ${label} failed with ${res.statusCode}: ${res.body}`);
  return res.json() as T;
}

const DAY = 86_400_000;
/** A wall-clock time in Castellan (Europe/Vienna here) `days` from today, rounded to the hour. */
function at(days: number, hourUtc: number): string {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hourUtc, 0, 0, 0);
  return d.toISOString();
}

interface Ids {
  groupId: string;
  sides: Record<'ALD' | 'BEL', string>;
  /** User ids of the two chairs who keep the back channel (Helena Varga, Amara Okafor). */
  users: { aldChair: string; belChair: string };
}

interface RosterMember {
  id: string;
  userId: string;
  displayName: string;
}

export async function tellDemoStory(
  ctx: AppContext,
  as: AsPerson,
  ids: Ids,
): Promise<{ meetingId: string; trackId: string; statementId: string }> {
  const aldSec = await as('jonas.ebner@aldoria.example');
  const aldChair = await as('helena.varga@aldoria.example');
  const belChair = await as('amara.okafor@belmora.example');
  const belSec = await as('noor.rahman@belmora.example');
  const g = ids.groupId;

  // 1. Planned in person in Aldoria's capital.
  const meeting = await ok<{ id: string }>(
    'plan meeting',
    await aldSec.post(`/api/groups/${g}/meetings`, {
      title: 'Fourth round of consultations',
      format: 'in_person',
      location: 'Ministry of Foreign Affairs, Castellan, Republic of Aldoria',
      start: at(3, 8),
      end: at(3, 15),
      timeZone: 'Europe/Vienna',
    }),
  );
  const m = `/api/meetings/${meeting.id}`;
  for (const title of [
    'Strategic stability and crisis communication',
    'Courses of action in the border region',
    'Follow-up expert discussions',
  ]) {
    await ok('agenda item', await aldSec.post(`${m}/agenda`, { title, notes: '', marking: 'shared' }));
  }
  await ok(
    'side-only prep item',
    await aldSec.post(`${m}/agenda`, {
      title: 'Aldoria caucus: positions on the border region',
      notes: 'Internal to the Aldorian delegation',
      marking: 'side-only',
    }),
  );

  // 2. Cancelled by Belmora's chair over a vote at an international council.
  await ok(
    'cancel',
    await belChair.post(`${m}/cancel`, {
      bySideId: ids.sides.BEL,
      reason: 'Belmora’s delegation is required in the capital for the emergency vote at the International Council.',
    }),
  );
  // 3. Re-requested a day later, quietly, through the back channel between chairs (an E2EE message), then officially.
  const { backChannelRef } = await quietReRequest(
    ctx,
    { ald: aldChair, aldUserId: ids.users.aldChair, bel: belChair, belUserId: ids.users.belChair },
    g,
    [ids.sides.ALD, ids.sides.BEL],
  );
  await ok(
    're-request',
    await belChair.post(`${m}/re-request`, { bySideId: ids.sides.BEL, channel: 'back_channel', backChannelRef }),
  );
  // 4. Held by secure video instead, so that no delegation has to travel, and earlier than planned: the record
  // moves to when it was held and the history keeps the plan (a meeting cannot be planned in the past).
  await ok(
    'reschedule',
    await aldSec.post(`${m}/reschedule`, {
      start: at(4, 12),
      end: at(4, 14),
      timeZone: 'Europe/Vienna',
      reason: 'Re-requested by Belmora',
    }),
  );
  await ok(
    'move online',
    await aldSec.post(`${m}/change-format`, {
      format: 'video',
      reason: 'Held by secure video conference so that no delegation has to travel.',
    }),
  );
  await ok('start', await aldChair.post(`${m}/start`, { at: at(-2, 12) }));
  await ok('end', await aldChair.post(`${m}/end`, { at: at(-2, 14) }));

  // 5. Outcomes: a shared objective, Aldoria's concerns, Belmora's commitment in answer to them.
  const post = (c: InjectClient, body: Record<string, unknown>) =>
    c.post(`/api/groups/${g}/outcomes`, { meetingId: meeting.id, ...body });
  await ok(
    'agreement',
    await post(aldSec, {
      kind: 'agreement',
      text: 'Both sides agree on the shared objective of preventing miscalculation in the border region and of keeping channels of crisis communication open at all times.',
    }),
  );
  const concern = await ok<{ id: string }>(
    'concern',
    await post(aldSec, {
      kind: 'concern',
      text: 'Aldoria is concerned that the courses of action under consideration could raise tensions in the border region.',
      raisedBySideId: ids.sides.ALD,
      addressedToSideId: ids.sides.BEL,
    }),
  );
  const commitment = await ok<{ id: string }>(
    'commitment',
    await post(belSec, {
      kind: 'commitment',
      text: 'Belmora commits to take Aldoria’s concerns into account and to hold follow-up expert discussions, overseen by the group.',
      raisedBySideId: ids.sides.BEL,
      addressedToSideId: ids.sides.ALD,
      respondsToId: concern.id,
    }),
  );
  await ok(
    'action',
    await post(belSec, {
      kind: 'action',
      text: 'Convene the expert track in person as early as next week.',
      raisedBySideId: ids.sides.BEL,
      due: at(7, 0).slice(0, 10),
    }),
  );

  // 6. A follow-up expert track, overseen by the group, with an in-person meeting next week.
  const roster = await ok<{ sides: { agencies: { roles: { members: RosterMember[] }[] }[] }[] }>(
    'roster',
    await aldChair.get(`/api/groups/${g}/roster`),
  );
  const everyone = roster.sides.flatMap((s) => s.agencies.flatMap((a) => a.roles.flatMap((r) => r.members)));
  const userIdOf = (name: string) => {
    const found = everyone.find((p) => p.displayName === name);
    if (!found) throw new Error(`demo story: no delegate ${name}`);
    return found.userId;
  };
  const expert = (name: string) => {
    const found = everyone.find((p) => p.displayName === name);
    if (!found) throw new Error(`demo story: no delegate ${name}`);
    return { membershipId: found.id, role: 'member' as const };
  };
  const track = await ok<{ id: string }>(
    'track',
    await aldChair.post(`/api/outcomes/${commitment.id}/tracks`, {
      name: 'Expert Track on Crisis Communication',
      description:
        'Follow-up expert discussions on courses of action in the border region, overseen by the Strategic Consultative Group.',
      experts: [
        expert('Ines Kovač'),
        expert('Col. Piotr Adamek'),
        expert('Leila Haddad'),
        expert('Brig. Samuel Achebe'),
      ],
    }),
  );
  const trackId = (track as { id?: string; track?: { id: string } }).track?.id ?? track.id;
  const ines = await as('ines.kovac@aldoria.example');
  await ok(
    'track meeting',
    await ines.post(`/api/groups/${trackId}/meetings`, {
      title: 'First expert meeting',
      format: 'in_person',
      location: 'Department of External Affairs, Port Belmora',
      start: at(7, 8),
      end: at(7, 14),
      timeZone: 'Europe/Vienna',
    }),
  );

  // 7. Each side's readout, published by its chair.
  for (const [client, chair, title, text] of [
    [
      aldSec,
      aldChair,
      'Readout of the Republic of Aldoria',
      'The National Security Adviser and the Minister of Foreign Affairs met their Belmoran counterparts by secure video conference. They agreed on a shared objective, set out Aldoria’s concerns about the courses of action under consideration, and welcomed Belmora’s commitment to follow-up expert discussions.',
    ],
    [
      belSec,
      belChair,
      'Readout of the Commonwealth of Belmora',
      'Belmora’s delegation held a constructive round of consultations with Aldoria by secure video conference, took note of Aldoria’s concerns and committed to follow-up expert discussions overseen by the group, with a first meeting as early as next week.',
    ],
  ] as const) {
    const r = await ok<{ id: string }>(
      'readout',
      await client.post(`/api/groups/${g}/readouts`, { meetingId: meeting.id, title, text }),
    );
    await ok('publish readout', await chair.post(`/api/readouts/${r.id}/publish`, { version: 1 }));
  }

  // 8. The joint statement, issued in English and in French side by side, approved
  // as one text by a chair of every side, then published.
  const statement = await ok<{ id: string; textHash: string }>(
    'statement',
    await aldSec.post(`/api/groups/${g}/statements`, {
      meetingId: meeting.id,
      language: 'en',
      secondLanguage: 'fr',
      secondText:
        'La République d’Aldoria et le Commonwealth de Belmora ont tenu le quatrième cycle du Groupe consultatif stratégique par visioconférence sécurisée. Les deux parties sont convenues de l’objectif commun de prévenir toute erreur d’appréciation dans la région frontalière et de maintenir ouverts les canaux de communication de crise. Elles tiendront des discussions d’experts de suivi, sous la supervision du groupe, à commencer par une réunion en présentiel la semaine prochaine.',
      text: 'The Republic of Aldoria and the Commonwealth of Belmora held the fourth round of the Strategic Consultative Group by secure video conference. The two sides agreed on the shared objective of preventing miscalculation in the border region and of keeping channels of crisis communication open. They will hold follow-up expert discussions, overseen by the group, beginning with an in-person meeting next week.',
    }),
  );
  await ok(
    'approve ALD',
    await aldChair.post(`/api/statements/${statement.id}/approvals`, { textHash: statement.textHash }),
  );
  await ok(
    'approve BEL',
    await belChair.post(`/api/statements/${statement.id}/approvals`, { textHash: statement.textHash }),
  );

  // 9. The next round, planned by secure video from the start: a chair can start its call right away. Its
  // speakers' list is ready: a delegate of each side is down to speak, and each side has fifteen minutes.
  const next = await ok<{ id: string }>(
    'plan next round',
    await belSec.post(`/api/groups/${g}/meetings`, {
      title: 'Fifth round of consultations',
      format: 'video',
      location: '',
      start: at(1, 12),
      end: at(1, 14),
      timeZone: 'Europe/Vienna',
    }),
  );
  const floor = `/api/meetings/${next.id}/floor`;
  for (const name of ['Ines Kovač', 'Leila Haddad'])
    await ok(`speakers' list: ${name}`, await aldChair.post(`${floor}/queue`, { userId: userIdOf(name) }));
  for (const sideId of [ids.sides.ALD, ids.sides.BEL])
    await ok('speaking time allowance', await belChair.post(`${floor}/allowance`, { sideId, seconds: 15 * 60 }));
  // Belmora brings an interpreter into French: the channel is on offer as soon as she goes on air in the call.
  await ok(
    'interpreter',
    await belChair.post(`/api/meetings/${next.id}/interpretation`, {
      userId: userIdOf('Yuki Tanaka'),
      from: 'en',
      to: 'fr',
    }),
  );
  return { meetingId: meeting.id, trackId, statementId: statement.id };
}
