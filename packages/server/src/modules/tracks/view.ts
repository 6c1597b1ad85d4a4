import type { Track } from '@parley/protocol';
import type { DbOrTx } from '../../db/client.js';
import { type ActorFacts, canSeeItem } from '../../policy/policy.js';
import { agenciesOfGroup, findGroup, membersOfGroup, sideDto, sidesOf } from '../groups/queries.js';
import { nextMeetingsOf } from '../outcomes/meeting-refs.js';
import type { TrackRow } from './queries.js';

/**
 * Tracks as this parent-group reader sees them: the experts they may know of (everyone's shared delegates, and
 * their own side's people when they are in the track or oversee it), and the next shared meeting.
 */
export async function trackDtos(db: DbOrTx, actor: ActorFacts, rows: readonly TrackRow[]): Promise<Track[]> {
  const ids = rows.map((r) => r.groupId);
  const [allSides, next] = await Promise.all([sidesOf(db, ids), nextMeetingsOf(db, ids)]);
  return Promise.all(
    rows.map(async (r) => {
      const g = (await findGroup(db, r.groupId))!;
      const group = { id: g.id, kind: g.kind, parentGroupId: g.parentGroupId };
      const agencies = await agenciesOfGroup(db, g.id);
      const seen = (x: { sideId: string; marking: 'shared' | 'side-only' }) =>
        x.marking === 'shared' || canSeeItem(actor, { group, sideId: x.sideId, marking: x.marking });
      // A delegate of a side-only agency is as hidden as the agency (as on the roster).
      const experts = (await membersOfGroup(db, r.groupId)).filter((m) => {
        const agency = agencies.find((a) => a.id === m.agencyId);
        return seen(m) && (!agency || seen(agency));
      });
      const m = next.get(r.groupId);
      return {
        id: g.id,
        name: g.name,
        description: g.description,
        parentGroupId: r.parentGroupId,
        outcomeId: r.outcomeId,
        createdAt: r.createdAt.toISOString(),
        sides: allSides.filter((s) => s.groupId === g.id).map(sideDto),
        expertCount: experts.length,
        nextMeeting: m
          ? {
              id: m.id,
              startsAt: m.startsAt.toISOString(),
              endsAt: m.endsAt ? m.endsAt.toISOString() : null,
              format: m.format,
              status: m.status,
              location: null,
            }
          : null,
      };
    }),
  );
}
