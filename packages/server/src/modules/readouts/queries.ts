import type { Readout } from '@parley/protocol';
import { and, asc, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  type ActorFacts,
  canSeeItem,
  derivedItem,
  type GroupFacts,
  type ItemFacts,
  membershipIn,
} from '../../policy/policy.js';
import { userNames } from '../auth/queries.js';
import { membersOfGroup } from '../groups/queries.js';
import { findMeetingRef } from '../outcomes/meeting-refs.js';
import { readouts, readoutVersions } from './schema.js';

export type ReadoutRow = typeof readouts.$inferSelect;
export type ReadoutVersionRow = typeof readoutVersions.$inferSelect;

/** A readout is its side's own until published; then every side (and the public) may read it. */
export const readoutItem = (group: GroupFacts, row: Pick<ReadoutRow, 'sideId' | 'status'>): ItemFacts => ({
  group,
  sideId: row.sideId,
  marking: row.status === 'published' ? 'shared' : 'side-only',
});

/** The readout's meeting as the policy sees it (null when it cannot be found: then nothing is shared). */
export async function readoutSource(
  db: DbOrTx,
  row: Pick<ReadoutRow, 'meetingId'>,
): Promise<Pick<ItemFacts, 'sideId' | 'marking'> | null> {
  const m = await findMeetingRef(db, row.meetingId);
  return m ? { sideId: m.sideId, marking: m.marking } : null;
}

/** The readout with its meeting taken into account: a readout of a side-only meeting is that side's own. */
export async function readoutFacts(
  db: DbOrTx,
  group: GroupFacts,
  row: Pick<ReadoutRow, 'sideId' | 'status' | 'meetingId'>,
): Promise<ItemFacts> {
  return derivedItem(readoutItem(group, row), await readoutSource(db, row));
}

/** Drafting history is always the side's own, even after publication. */
export const readoutHistoryItem = (group: GroupFacts, row: Pick<ReadoutRow, 'sideId'>): ItemFacts => ({
  group,
  sideId: row.sideId,
  marking: 'side-only',
});

export async function findReadout(db: DbOrTx, id: string, lock = false): Promise<ReadoutRow | undefined> {
  const q = db.select().from(readouts).where(eq(readouts.id, id));
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

export async function listReadouts(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  meetingId?: string,
): Promise<ReadoutRow[]> {
  const own = membershipIn(actor, group.id)?.sideId;
  const published = eq(readouts.status, 'published');
  const visible = own ? (or(published, eq(readouts.sideId, own)) as SQL) : published;
  const rows = await db
    .select()
    .from(readouts)
    .where(and(eq(readouts.groupId, group.id), visible, meetingId ? eq(readouts.meetingId, meetingId) : undefined))
    .orderBy(asc(readouts.createdAt));
  const shown: ReadoutRow[] = [];
  for (const r of rows) if (canSeeItem(actor, await readoutFacts(db, group, r))) shown.push(r);
  return shown;
}

export async function versionsOf(db: DbOrTx, readoutIds: readonly string[]): Promise<ReadoutVersionRow[]> {
  if (readoutIds.length === 0) return [];
  return db
    .select()
    .from(readoutVersions)
    .where(inArray(readoutVersions.readoutId, [...readoutIds]))
    .orderBy(asc(readoutVersions.version));
}

/**
 * Readouts for a caller who may read them. Readers from other sides see the published text only, and the
 * authors whose membership is shared: a side-only delegate's name never leaves their side through a byline.
 */
export async function readoutDtos(
  db: DbOrTx,
  actor: ActorFacts,
  group: GroupFacts,
  rows: readonly ReadoutRow[],
): Promise<Readout[]> {
  const versions = await versionsOf(
    db,
    rows.map((r) => r.id),
  );
  const members = await membersOfGroup(db, group.id);
  const names = await userNames(
    db,
    versions.map((v) => v.authorUserId),
  );
  const own = membershipIn(actor, group.id)?.sideId;
  return rows.map((r) => {
    const mine = own === r.sideId;
    const shown = versions.filter(
      (v) => v.readoutId === r.id && (mine || (r.publishedVersion !== null && v.version <= r.publishedVersion)),
    );
    const current = shown.find((v) => v.version === (mine ? r.currentVersion : r.publishedVersion))!;
    const authors: { userId: string; name: string }[] = [];
    for (const v of shown) {
      if (authors.some((a) => a.userId === v.authorUserId)) continue;
      const m = members.find((x) => x.userId === v.authorUserId && x.sideId === r.sideId);
      if (!mine && m?.marking !== 'shared') continue;
      authors.push({ userId: v.authorUserId, name: names.get(v.authorUserId)?.displayName ?? 'Unknown' });
    }
    return {
      id: r.id,
      groupId: r.groupId,
      sideId: r.sideId,
      meetingId: r.meetingId,
      status: r.status,
      title: current.title,
      text: current.text,
      language: current.language,
      secondLanguage: current.secondLanguage,
      secondText: current.secondText,
      version: mine ? r.currentVersion : r.publishedVersion!,
      publishedVersion: r.publishedVersion,
      publishedAt: r.publishedAt?.toISOString() ?? null,
      authors,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  });
}

export interface PublicReadout {
  id: string;
  groupId: string;
  sideId: string;
  meetingId: string;
  title: string;
  text: string;
  language: string;
  secondLanguage: string | null;
  secondText: string | null;
  publishedAt: Date;
}

/**
 * Published readouts for the public pages, newest first: exactly the published version, nothing else, and
 * none of a meeting that is still side-only (such a readout may predate the rule that refuses to publish it).
 */
export async function publishedReadouts(db: DbOrTx, id?: string): Promise<PublicReadout[]> {
  const rows = await db
    .select({
      id: readouts.id,
      groupId: readouts.groupId,
      sideId: readouts.sideId,
      meetingId: readouts.meetingId,
      title: readoutVersions.title,
      text: readoutVersions.text,
      language: readoutVersions.language,
      secondLanguage: readoutVersions.secondLanguage,
      secondText: readoutVersions.secondText,
      publishedAt: readouts.publishedAt,
    })
    .from(readouts)
    .innerJoin(
      readoutVersions,
      and(eq(readoutVersions.readoutId, readouts.id), eq(readoutVersions.version, readouts.publishedVersion)),
    )
    .where(and(eq(readouts.status, 'published'), id ? eq(readouts.id, id) : undefined))
    .orderBy(desc(readouts.publishedAt));
  const out: PublicReadout[] = [];
  for (const r of rows) {
    if ((await readoutSource(db, r))?.marking !== 'shared') continue;
    out.push({ ...r, publishedAt: r.publishedAt! });
  }
  return out;
}
