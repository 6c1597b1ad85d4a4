import { subscriptionFeeds } from '@parley/protocol';
import { loadActorFacts } from '../../policy/actor.js';
import type { ActorFacts } from '../../policy/policy.js';
import type { Connection } from '../../realtime/hub.js';
import { claimAtAdmission, ownActiveDevice } from '../keys/index.js';
import type { CallPerson } from './access.js';
import { CallError } from './errors.js';
import { iceServersFor } from './ice.js';
import { enqueue, type LiveCall, type Member, newMember } from './live.js';
import type { CallManager } from './manager.js';
import { evictFromCallGroup } from './mls.js';
import type { RemoteRequest } from './shared-roster.js';

/**
 * Joining, the lobby and leaving. Chairs, secretariat and overseers are admitted at once; everyone else waits until
 * an admitter of their own side lets them in. An admitted participant whose socket drops keeps their place for
 * `graceMs`; a `call.join` from a new socket within it resumes (with a fresh Janus session: start media afresh).
 */
export async function join(
  mgr: CallManager,
  call: LiveCall,
  conn: Connection,
  person: CallPerson,
  deviceId: string | undefined,
  requestId: string | undefined,
): Promise<void> {
  const device = deviceId
    ? (
        await ownActiveDevice(mgr.ctx.db, person.userId, deviceId).catch(() => {
          throw new CallError('unknown_device', 'No such active device of yours');
        })
      ).deviceId
    : null;
  const existing = call.byUser(person.userId);
  if (existing) {
    if (existing.conn && existing.conn !== conn)
      existing.conn.send({
        type: 'call.error',
        meetingId: call.meetingId,
        code: 'superseded',
        message: 'Joined from another window',
      });
    if (existing.grace) clearTimeout(existing.grace);
    existing.grace = null;
    existing.conn = conn;
    existing.person = person;
    if (device) existing.deviceId = device;
    if (existing.state === 'lobby') {
      call.send(existing, {
        type: 'call.lobby',
        meetingId: call.meetingId,
        participantId: existing.participantId,
        ...rid(requestId),
      });
      return call.broadcast();
    }
    await enqueue(existing, 'main', async () => {
      if (call.mediaDown) return; // the rebuild opens their session and tells them call.media-restart
      const token = existing.media?.token;
      await existing.media?.close();
      existing.feeds.clear();
      existing.media = await mgr.openMedia(call, existing, token);
    });
    return joined(mgr, call, existing, requestId);
  }
  const m = newMember(crypto.randomUUID(), person, conn, device);
  call.members.set(m.participantId, m);
  if (person.admits && !call.removedUsers.has(person.userId)) {
    try {
      await admitMember(mgr, call, m, requestId);
    } catch (err) {
      call.members.delete(m.participantId);
      throw err;
    }
    return;
  }
  call.send(m, { type: 'call.lobby', meetingId: call.meetingId, participantId: m.participantId, ...rid(requestId) });
  call.broadcast();
}

const rid = (requestId: string | undefined) => (requestId ? { requestId } : {});

/**
 * Admitted (or back with a fresh media session): the subscription to everyone's feeds starts here, with the
 * admission, unless they are stepped out to their side's caucus (docs/call-keys.md §11).
 */
function joined(mgr: CallManager, call: LiveCall, m: Member, requestId: string | undefined): void {
  const feeds = m.away || !m.media ? null : subscriptionFeeds(call.stateFor(m).participants, m.participantId, null);
  call.send(m, {
    type: 'call.joined',
    meetingId: call.meetingId,
    participantId: m.participantId,
    iceServers: iceServersFor(mgr.ctx.config.calls, m.person.userId),
    mlsContext: call.mlsContext,
    ...(feeds ? { subscribed: feeds.map((f) => f.feedId) } : {}),
    ...rid(requestId),
  });
  call.broadcast();
  if (feeds) void mgr.subscribeOnJoin(call, m, feeds);
}

async function admitMember(mgr: CallManager, call: LiveCall, m: Member, requestId?: string): Promise<void> {
  // The joiner's key package is claimed while its media session opens, so the member who adds it to the call's
  // MLS group commits as soon as the roster lists it (docs/call-keys.md §5.2 item 4, §11). Never fatal: without it
  // the member claims one itself.
  const claiming = m.deviceId
    ? claimAtAdmission(mgr.ctx, call.mlsContext, m.person.userId, m.deviceId).catch((err: unknown) => {
        mgr.ctx.log.warn({ err, meetingId: call.meetingId }, 'calls: key package claim at admission failed');
        return null;
      })
    : null;
  const [media, admissionKeys] = await Promise.all([enqueue(m, 'main', () => mgr.openMedia(call, m)), claiming]);
  if (call.members.get(m.participantId) !== m || call.ending) {
    await media.close(); // they left (or the call ended) while their session was opening
    return;
  }
  m.media = media;
  m.admissionKeys = admissionKeys;
  m.state = 'admitted';
  m.since = new Date();
  joined(mgr, call, m, requestId);
}

/** An admitter of the waiting delegate's own side lets them in (or turns them away). */
export async function admit(mgr: CallManager, call: LiveCall, by: Member, participantId: string, accept: boolean) {
  const target = call.members.get(participantId);
  // Waiting through another server node: that node lets them in, once this one has checked the admitter.
  const elsewhere = target ? undefined : call.remoteLobby.find((e) => e.participantId === participantId);
  const sideId = target?.state === 'lobby' ? target.person.sideId : elsewhere?.sideId;
  // Another side's lobby is invisible to this admitter: a wrong side looks like a missing entry.
  if (sideId !== by.person.sideId)
    throw new CallError('no_such_participant', 'Nobody of your side is waiting with that id');
  if (!by.person.admits) throw new CallError('forbidden', 'Only a chair or the secretariat of your side admits');
  if (!target) return mgr.roster.ask(call.meetingId, { op: accept ? 'admit' : 'deny', participantId });
  if (!accept) {
    call.members.delete(participantId);
    call.send(target, { type: 'call.denied', meetingId: call.meetingId });
    return call.broadcast();
  }
  await admitMember(mgr, call, target);
}

/** Leaves: handles closed, token off the allowed list, MLS devices marked leaving (a remaining member commits). */
export async function leave(mgr: CallManager, call: LiveCall, m: Member, removedBy?: ActorFacts): Promise<void> {
  if (call.members.get(m.participantId) !== m) return;
  call.members.delete(m.participantId);
  if (m.grace) clearTimeout(m.grace);
  m.grace = null;
  const wasAdmitted = m.state === 'admitted';
  // Everyone's roster drops them before any member is nominated to commit their Remove: a member acting on a roster
  // that still listed them would add their device straight back.
  call.broadcast();
  // The MLS Remove starts now, alongside the media teardown: the sooner the keys change, the sooner the departed
  // participant stops being able to read the call, and a slow Janus must not hold the rekey back.
  // Leaving the plenary while stepped out leaves the caucus too.
  const caucus = m.away ? call.caucuses.get(m.person.sideId) : undefined;
  const inCaucus = caucus?.byUser(m.person.userId);
  const leavingCaucus = inCaucus ? leave(mgr, caucus!, inCaucus, removedBy) : undefined;
  const evicting = wasAdmitted
    ? evictFromCallGroup(mgr.ctx, call.mlsContext, m.person.userId, removedBy).catch((err) =>
        mgr.ctx.log.error({ err, meetingId: call.meetingId }, 'calls: MLS removal request failed'),
      )
    : undefined;
  const media = m.media;
  m.media = null;
  if (media) {
    const janus = mgr.janusOf(call);
    if (removedBy && call.room && janus?.isUp())
      // Kick first: Janus ends their presence at once, even if closing their session were to fail.
      await Promise.all(media.janusIds.map((id) => janus.rooms.kick(call.room!, id).catch(() => {})));
    if (call.room && janus?.isUp()) await janus.rooms.disallow(call.room, [media.token]).catch(() => {});
    await media.close();
  }
  for (const feedId of m.feeds.values()) for (const other of call.members.values()) other.media?.forgetFeed(feedId);
  m.feeds.clear();
  await evicting;
  await leavingCaucus;
}

/** A chair of the group removes anyone from the call; if they knock again they wait in the lobby. */
export async function remove(mgr: CallManager, call: LiveCall, actor: ActorFacts, participantId: string) {
  const target = call.members.get(participantId);
  if (!target) {
    if (!call.remote.some((p) => p.participantId === participantId))
      throw new CallError('no_such_participant', 'No such participant');
    const byUserId = actor.userId!;
    return mgr.roster.ask(call.meetingId, { op: 'remove', participantId, caucusId: call.caucusId, byUserId });
  }
  call.removedUsers.add(target.person.userId);
  call.send(target, { type: 'call.removed', meetingId: call.meetingId, reason: 'Removed by a chair' });
  await leave(mgr, call, target, actor);
}

/** The socket closed: waiting delegates leave the lobby at once, participants after the grace period. */
export function disconnected(mgr: CallManager, conn: Connection): void {
  for (const call of mgr.allCalls()) {
    const m = call.byConn(conn);
    if (!m) continue;
    m.conn = null;
    if (m.state === 'lobby') {
      call.members.delete(m.participantId);
      call.broadcast();
      continue;
    }
    m.grace = setTimeout(() => {
      m.grace = null;
      void leave(mgr, call, m);
    }, mgr.graceMs);
    m.grace.unref();
  }
}

/**
 * Another server node checked the asker's right and asks this node, which holds the participant's socket, to carry
 * it out (docs/deploy.md, "Several nodes").
 */
export async function answerRemote(
  mgr: CallManager,
  call: LiveCall,
  request: Exclude<RemoteRequest, { op: 'recall' }>,
): Promise<void> {
  const target = call.members.get(request.participantId);
  if (!target) return;
  switch (request.op) {
    case 'admit':
    case 'deny':
      if (target.state !== 'lobby') return;
      if (request.op === 'admit') return admitMember(mgr, call, target);
      call.members.delete(target.participantId);
      call.send(target, { type: 'call.denied', meetingId: call.meetingId });
      return call.broadcast();
    case 'mute':
      return call.send(target, { type: 'call.mute-requested', meetingId: call.meetingId, byName: request.byName });
    case 'remove': {
      const by = await loadActorFacts(mgr.ctx.db, request.byUserId, false);
      call.removedUsers.add(target.person.userId);
      call.send(target, { type: 'call.removed', meetingId: call.meetingId, reason: 'Removed by a chair' });
      return leave(mgr, call, target, by);
    }
  }
}
