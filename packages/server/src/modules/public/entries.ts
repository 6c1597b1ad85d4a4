import type { DbOrTx } from '../../db/client.js';
import { allGroups, type SideRow, sidesOf } from '../groups/queries.js';
import { findMeetingRef } from '../outcomes/meeting-refs.js';
import { publishedReadouts } from '../readouts/queries.js';
import { publishedStatements } from '../statements/queries.js';

/** One published text as the public sees it: nothing here is side-only or unpublished. */
export interface PublicEntry {
  id: string;
  kind: 'joint' | 'readout';
  title: string;
  /** Who speaks: the group for a joint statement, one side for a readout. */
  byline: string;
  groupName: string;
  sides: { name: string; shortCode: string; colour: string }[];
  publishedAt: Date;
  meeting: { title: string; startsAt: Date } | null;
  text: string;
  /** BCP 47 tag of the text (and of a readout's title). */
  language: string;
  /** The same text in a second language, to be shown beside it. */
  second: { language: string; text: string } | null;
}

const secondOf = (r: { secondLanguage: string | null; secondText: string | null }) =>
  r.secondLanguage !== null && r.secondText !== null ? { language: r.secondLanguage, text: r.secondText } : null;

const sideView = (s: SideRow) => ({ name: s.name, shortCode: s.shortCode, colour: s.colour });

/** Newest first; `id` narrows to one entry (joint statement or readout ids never collide: both are UUIDs). */
export async function publicEntries(db: DbOrTx, id?: string): Promise<PublicEntry[]> {
  const [statements, readouts, groups] = await Promise.all([
    publishedStatements(db, id),
    publishedReadouts(db, id),
    allGroups(db),
  ]);
  const groupIds = [...new Set([...statements.map((s) => s.groupId), ...readouts.map((r) => r.groupId)])];
  const sides = await sidesOf(db, groupIds);
  const groupName = (gid: string) => groups.find((g) => g.id === gid)?.name ?? '';
  // Only shared meetings are named (readouts of side-only meetings are never public, see publishedReadouts).
  const meetingOf = async (meetingId: string | null) => {
    if (!meetingId) return null;
    const m = await findMeetingRef(db, meetingId);
    return m && m.marking === 'shared' ? { title: m.title, startsAt: m.startsAt } : null;
  };
  const entries: PublicEntry[] = [];
  for (const s of statements) {
    const name = groupName(s.groupId);
    entries.push({
      id: s.id,
      kind: 'joint',
      title: `Joint statement of the ${name}`,
      byline: `Issued jointly by ${sides
        .filter((x) => x.groupId === s.groupId)
        .map((x) => x.name)
        .join(' and ')}`,
      groupName: name,
      sides: sides.filter((x) => x.groupId === s.groupId).map(sideView),
      publishedAt: s.publishedAt!,
      meeting: await meetingOf(s.meetingId),
      text: s.text,
      language: s.language,
      second: secondOf(s),
    });
  }
  for (const r of readouts) {
    const side = sides.find((x) => x.id === r.sideId);
    entries.push({
      id: r.id,
      kind: 'readout',
      title: r.title,
      byline: side ? `Readout by the ${side.name}` : 'Readout',
      groupName: groupName(r.groupId),
      sides: side ? [sideView(side)] : [],
      publishedAt: r.publishedAt,
      meeting: await meetingOf(r.meetingId),
      text: r.text,
      language: r.language,
      second: secondOf(r),
    });
  }
  return entries.sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || a.id.localeCompare(b.id));
}
