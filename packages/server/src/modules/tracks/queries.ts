import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { tracks } from './schema.js';

export type TrackRow = typeof tracks.$inferSelect;

export async function tracksOfParent(db: DbOrTx, parentGroupId: string): Promise<TrackRow[]> {
  return db.select().from(tracks).where(eq(tracks.parentGroupId, parentGroupId)).orderBy(asc(tracks.createdAt));
}

export async function tracksFromOutcomes(db: DbOrTx, outcomeIds: readonly string[]): Promise<TrackRow[]> {
  if (outcomeIds.length === 0) return [];
  return db
    .select()
    .from(tracks)
    .where(inArray(tracks.outcomeId, [...outcomeIds]));
}
