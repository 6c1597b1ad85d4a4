import type { Track } from '@parley/protocol';
import type { DbOrTx } from '../../db/client.js';
import { findGroup, membersOfGroup, sideDto, sidesOf } from '../groups/queries.js';
import { nextMeetingsOf } from '../outcomes/meeting-refs.js';
import type { TrackRow } from './queries.js';

/** Tracks as their parent group's readers see them; counts and meetings cover shared entries only. */
export async function trackDtos(db: DbOrTx, rows: readonly TrackRow[]): Promise<Track[]> {
  const ids = rows.map((r) => r.groupId);
  const [allSides, next] = await Promise.all([sidesOf(db, ids), nextMeetingsOf(db, ids)]);
  return Promise.all(
    rows.map(async (r) => {
      const g = (await findGroup(db, r.groupId))!;
      const experts = (await membersOfGroup(db, r.groupId)).filter((m) => m.marking === 'shared');
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
