import { domainEvent, type ReadoutEvent } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, issue, notFound, withCode } from '../../http/errors.js';
import { applyLanguages, type LanguageChange } from '../../lib/languages.js';
import { type ActorFacts, type GroupFacts, mayShareDerived, membershipIn } from '../../policy/policy.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { checkMeetingRefs } from '../outcomes/meeting-refs.js';
import { findReadout, type ReadoutRow, readoutItem, readoutSource } from './queries.js';
import { readouts, readoutVersions } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;

function announce(w: WriteScope, group: GroupFacts, row: ReadoutRow, kind: ReadoutEvent['kind']) {
  const event = domainEvent(kind, { groupId: group.id, resourceType: 'readout', resourceId: row.id });
  const audience = { item: readoutItem(group, row) };
  w.emit({ topic: `group:${group.id}`, event, audience });
  w.emit({ topic: `meeting:${row.meetingId}`, event, audience });
}

export async function createReadout(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  input: { meetingId: string; title: string; text: string } & LanguageChange,
) {
  const languages = applyLanguages({ language: 'en', secondLanguage: null, secondText: null }, input);
  const own = membershipIn(actor, group.id);
  if (!own) throw notFound('Group');
  return runWrite(ctx, actor.userId, async (w) => {
    await checkMeetingRefs(w.tx, actor, group, {
      marking: 'side-only',
      meetingId: input.meetingId,
      agendaItemId: null,
    });
    const [existing] = await w.tx
      .select({ id: readouts.id })
      .from(readouts)
      .where(and(eq(readouts.meetingId, input.meetingId), eq(readouts.sideId, own.sideId)));
    // Only the caller's own side's readout is named here, so the answer tells nothing about the other side.
    if (existing)
      throw conflict('Your side already has a readout of this meeting', { readoutId: existing.id }, [
        { path: 'body.meetingId', message: 'already has a readout from your side', code: 'readout_exists' },
      ]);
    const [row] = await w.tx
      .insert(readouts)
      .values({ groupId: group.id, sideId: own.sideId, meetingId: input.meetingId, currentVersion: 1 })
      .returning();
    const [v] = await w.tx
      .insert(readoutVersions)
      .values({
        readoutId: row!.id,
        version: 1,
        title: input.title,
        text: input.text,
        ...languages,
        authorUserId: actor.userId!,
      })
      .returning();
    await w.audit({
      action: 'readout.create',
      resourceType: 'readout',
      resourceId: row!.id,
      groupId: group.id,
      sideId: own.sideId,
      marking: 'side-only',
      after: { ...row, version: v },
    });
    announce(w, group, row!, 'readout.created');
    return row!;
  });
}

/** Every save is a new version; it names the version it started from, so two editors cannot overwrite each other. */
export async function saveReadoutVersion(
  ctx: Ctx,
  actor: ActorFacts,
  group: GroupFacts,
  id: string,
  input: { title?: string | undefined; text: string; baseVersion: number } & LanguageChange,
) {
  return runWrite(ctx, actor.userId, async (w) => {
    const before = await findReadout(w.tx, id, true);
    if (!before) throw notFound('Readout');
    if (before.status === 'published')
      throw withCode(conflict('A published readout is final', { status: 'published' }), 'readout_final');
    if (input.baseVersion !== before.currentVersion)
      throw conflict('The readout was saved by someone else in the meantime', { version: before.currentVersion }, [
        issue('body.baseVersion', `the current version is ${before.currentVersion}`, 'newer_version', {
          version: before.currentVersion,
        }),
      ]);
    const [prev] = await w.tx
      .select({
        title: readoutVersions.title,
        language: readoutVersions.language,
        secondLanguage: readoutVersions.secondLanguage,
        secondText: readoutVersions.secondText,
      })
      .from(readoutVersions)
      .where(and(eq(readoutVersions.readoutId, id), eq(readoutVersions.version, before.currentVersion)));
    const languages = applyLanguages(prev!, input);
    const version = before.currentVersion + 1;
    const [v] = await w.tx
      .insert(readoutVersions)
      .values({
        readoutId: id,
        version,
        title: input.title ?? prev!.title,
        text: input.text,
        ...languages,
        authorUserId: actor.userId!,
      })
      .returning();
    const [row] = await w.tx
      .update(readouts)
      .set({ currentVersion: version, updatedAt: new Date() })
      .where(eq(readouts.id, id))
      .returning();
    await w.audit({
      action: 'readout.save',
      resourceType: 'readout',
      resourceId: id,
      groupId: group.id,
      sideId: before.sideId,
      marking: 'side-only',
      after: v,
    });
    announce(w, group, row!, 'readout.saved');
    return row!;
  });
}

/** A chair of the readout's side publishes exactly the version they read; it becomes that side's statement. */
export async function publishReadout(ctx: Ctx, actor: ActorFacts, group: GroupFacts, id: string, version: number) {
  return runWrite(ctx, actor.userId, async (w) => {
    const before = await findReadout(w.tx, id, true);
    if (!before) throw notFound('Readout');
    if (before.status === 'published')
      throw withCode(conflict('This readout is already published', { status: 'published' }), 'already_published');
    if (version !== before.currentVersion)
      throw conflict('A newer version was saved; read it before publishing', { version: before.currentVersion }, [
        issue('body.version', `the current version is ${before.currentVersion}`, 'newer_version', {
          version: before.currentVersion,
        }),
      ]);
    // Publishing makes the readout public: never of a meeting the other side may not even know exists.
    if (!mayShareDerived(await readoutSource(w.tx, before)))
      throw withCode(
        conflict(
          'This readout is of a side-only meeting. A chair of your side must first share the meeting with the other side; only then can its readout be published.',
          { meetingMarking: 'side-only' },
        ),
        'readout_of_side_only_meeting',
      );
    const [row] = await w.tx
      .update(readouts)
      .set({ status: 'published', publishedVersion: version, publishedAt: new Date(), publishedBy: actor.userId })
      .where(eq(readouts.id, id))
      .returning();
    await w.audit({
      action: 'readout.publish',
      resourceType: 'readout',
      resourceId: id,
      groupId: group.id,
      sideId: before.sideId,
      marking: 'shared',
      after: row,
    });
    announce(w, group, row!, 'readout.published');
    return row!;
  });
}
