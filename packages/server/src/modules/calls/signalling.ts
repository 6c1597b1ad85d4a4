import type { CallClientMessage } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { canSeeItem, membershipIn, standingIn } from '../../policy/policy.js';
import type { Connection } from '../../realtime/hub.js';
import { findMeetingFacts } from '../meetings/index.js';
import { callStanding, chairRefusal, chairsSide, isCallChair } from './access.js';
import { CallError, callErrorOf } from './errors.js';
import { enqueue, type LiveCall, type Member } from './live.js';
import { type CallManager, offerMessage } from './manager.js';
import { admit, join, leave, remove } from './membership.js';
import { mayPublish } from './publish-gates.js';

const WINDOW_MS = 10_000;
const MAX_PER_WINDOW = 400;
const budgets = new WeakMap<Connection, { since: number; used: number }>();

/** Candidates come in bursts, but a socket sending hundreds of call messages a second is not a browser. */
function withinBudget(conn: Connection): boolean {
  const now = Date.now();
  let b = budgets.get(conn);
  if (!b || now - b.since > WINDOW_MS) {
    b = { since: now, used: 0 };
    budgets.set(conn, b);
  }
  b.used += 1;
  return b.used <= MAX_PER_WINDOW;
}

const chains = new WeakMap<Connection, Promise<void>>();

/**
 * Entry point for every `call.*` message of a socket; refusals go back as `call.error`, never as a throw. A socket's
 * messages are handled one after another, in the order sent (a trickle must not overtake its publish).
 */
export function handleCallMessage(
  ctx: AppContext,
  mgr: CallManager,
  conn: Connection,
  msg: CallClientMessage,
): Promise<void> {
  const next = (chains.get(conn) ?? Promise.resolve()).then(() => handleOne(ctx, mgr, conn, msg));
  chains.set(conn, next);
  return next;
}

async function handleOne(ctx: AppContext, mgr: CallManager, conn: Connection, msg: CallClientMessage): Promise<void> {
  try {
    if (!withinBudget(conn)) throw new CallError('rate_limited', 'Too many call messages; slow down');
    if (msg.type === 'call.join') return await onJoin(ctx, mgr, conn, msg);
    const { call, me } = await sender(mgr, conn, msg.meetingId, msg.caucusId);
    await dispatch(mgr, conn, call, me, msg);
  } catch (err) {
    if (!(err instanceof CallError)) ctx.log.warn({ err, type: msg.type }, 'calls: message failed');
    conn.send(callErrorOf(err, msg));
  }
}

async function onJoin(
  ctx: AppContext,
  mgr: CallManager,
  conn: Connection,
  msg: Extract<CallClientMessage, { type: 'call.join' }>,
): Promise<void> {
  const facts = await findMeetingFacts(ctx.db, msg.meetingId);
  const standing = facts ? await callStanding(ctx.db, await conn.actor(), facts) : ({ kind: 'not_found' } as const);
  if (!facts || standing.kind === 'not_found') throw new CallError('not_found', 'No such meeting');
  if (standing.kind === 'forbidden') throw new CallError('forbidden', standing.reason);
  const call = await mgr.live(facts);
  if (!call || call.ending) throw new CallError('not_running', 'The call of this meeting has not started');
  if (msg.caucusId === undefined) return join(mgr, call, conn, standing.person, msg.deviceId, msg.requestId);
  // A caucus: only its own side knows it exists (anyone else gets the answer of a caucus that never was), and its
  // delegates step out to it from the plenary, where their side admitted them; so no lobby here.
  const person = standing.person;
  const caucus = call.caucuses.get(person.sideId);
  if (!caucus || caucus.callId !== msg.caucusId || caucus.ending || person.overseer)
    throw new CallError('not_found', 'No such caucus');
  if (call.byUser(person.userId)?.state !== 'admitted')
    throw new CallError('not_in_call', 'Join the call first, then step out to your side’s caucus');
  await join(mgr, caucus, conn, { ...person, admits: true }, msg.deviceId, msg.requestId);
}

/**
 * The sender's place in the call, bound to this very socket. Someone who may not see the meeting gets the same
 * answer whether or not a call runs; standing is re-checked on every message (memberships can change mid-call).
 */
async function sender(
  mgr: CallManager,
  conn: Connection,
  meetingId: string,
  caucusId: string | undefined,
): Promise<{ call: LiveCall; me: Member }> {
  const plenary = mgr.calls.get(meetingId);
  const call = caucusId === undefined ? plenary : mgr.caucuses.get(caucusId);
  const actor = await conn.actor();
  if (!call || call.meetingId !== meetingId || !canSeeItem(actor, call.facts.item))
    throw new CallError('not_found', 'No such call');
  const me = call.byConn(conn);
  // Someone of the other side asking about a caucus learns nothing from the answer.
  if (!me)
    throw new CallError(
      call.caucusOf ? 'not_found' : 'not_in_call',
      call.caucusOf ? 'No such call' : 'Join the call first',
    );
  const s = standingIn(actor, call.facts.group).kind;
  if (s !== 'member' && s !== 'overseer') {
    await leave(mgr, call, me);
    throw new CallError('forbidden', 'You no longer take part in this group');
  }
  return { call, me };
}

function admitted(me: Member): NonNullable<Member['media']> {
  if (me.state !== 'admitted') throw new CallError('not_in_call', 'Wait until you are admitted');
  if (!me.media)
    throw new CallError('media_unavailable', 'The media server is restarting; wait for call.media-restart');
  return me.media;
}

async function dispatch(mgr: CallManager, conn: Connection, call: LiveCall, me: Member, msg: CallClientMessage) {
  const rid = msg.requestId ? { requestId: msg.requestId } : {};
  const meetingId = call.meetingId;
  switch (msg.type) {
    case 'call.join':
      return;
    case 'call.admit':
    case 'call.deny':
      if (me.state !== 'admitted') throw new CallError('not_in_call', 'Wait until you are admitted');
      return admit(mgr, call, me, msg.participantId, msg.type === 'call.admit');
    case 'call.publish': {
      mgr.mediaFor(call);
      const media = admitted(me);
      // An interpretation channel belongs to the plenary and to its assigned interpreters only (§13).
      if (
        msg.stream === 'interp' &&
        (call.caucusOf || !(await mayPublish(mgr.ctx, msg.stream, meetingId, me.person.userId)))
      )
        throw new CallError('forbidden', 'Only an assigned interpreter publishes an interpretation channel');
      const jsep = await enqueue(me, msg.stream, () => media.publish(msg.stream, msg.jsep));
      if (jsep.type !== 'answer') throw new CallError('media_error', 'The media server sent no answer');
      return call.send(me, {
        type: 'call.answer',
        meetingId,
        stream: msg.stream,
        jsep: { type: 'answer', sdp: jsep.sdp },
        ...rid,
      });
    }
    case 'call.unpublish': {
      const media = admitted(me);
      return enqueue(me, msg.stream, () => media.unpublish(msg.stream));
    }
    case 'call.subscribe': {
      mgr.mediaFor(call);
      const media = admitted(me);
      for (const f of msg.feeds) {
        const owner = call.ownerOfFeed(f.feedId);
        const local = owner && owner.member !== me && owner.member.state === 'admitted';
        if (!local && !call.remoteFeed(f.feedId))
          throw new CallError('no_such_feed', `No live feed ${f.feedId} of another participant`);
      }
      const offer = await enqueue(me, 'subscriber', () => media.subscribe(msg.feeds));
      if (offer) call.send(me, { ...offerMessage(call, offer), ...rid });
      call.layersChanged();
      return;
    }
    case 'call.subscribe-answer': {
      const media = admitted(me);
      const ref = { subscription: msg.subscription, offer: msg.offer };
      const answered = await enqueue(me, 'subscriber', () => media.answerSubscription(msg.jsep, ref));
      if (answered === 'none') throw new CallError('no_such_stream', 'Subscribe first');
      return;
    }
    case 'call.layers': {
      const media = admitted(me);
      if (!(await enqueue(me, 'subscriber', () => media.setLayers(msg.layers))))
        throw new CallError('no_such_stream', 'Subscribe first');
      call.layersChanged();
      return;
    }
    case 'call.trickle': {
      const media = admitted(me);
      const { candidate } = msg;
      const ok = await enqueue(me, msg.target, () =>
        media.trickle(
          msg.target,
          candidate && {
            candidate: candidate.candidate,
            ...(candidate.sdpMid !== undefined ? { sdpMid: candidate.sdpMid } : {}),
            ...(candidate.sdpMLineIndex !== undefined ? { sdpMLineIndex: candidate.sdpMLineIndex } : {}),
          },
        ),
      );
      if (!ok) throw new CallError('no_such_stream', `You have no ${msg.target} connection to trickle to`);
      return;
    }
    case 'call.media-state':
      admitted(me);
      me.audio = msg.audio;
      me.video = msg.video;
      return call.broadcast();
    case 'call.leave':
      return leave(mgr, call, me);
    case 'call.mute': {
      admitted(me);
      const target = call.members.get(msg.participantId);
      const local = target?.state === 'admitted' ? target : undefined;
      const elsewhere = target ? undefined : call.remote.find((p) => p.participantId === msg.participantId);
      const sideId = local?.person.sideId ?? elsewhere?.sideId;
      if (!sideId) throw new CallError('no_such_participant', 'No such participant');
      const actor = await conn.actor();
      if (!chairsSide(actor, call.facts, sideId))
        throw chairRefusal(actor, call.facts, 'Only a chair of their own side may ask them to mute');
      const byName = me.person.displayName;
      if (local) return call.send(local, { type: 'call.mute-requested', meetingId, byName });
      return mgr.roster.ask(meetingId, {
        op: 'mute',
        participantId: msg.participantId,
        caucusId: call.caucusId,
        byName,
      });
    }
    case 'call.remove': {
      admitted(me);
      const actor = await conn.actor();
      if (!isCallChair(actor, call.facts)) throw chairRefusal(actor, call.facts, 'Only a chair removes participants');
      if (msg.participantId === me.participantId) throw new CallError('no_such_participant', 'Leave instead');
      return remove(mgr, call, actor, msg.participantId);
    }
    case 'call.end': {
      admitted(me);
      const actor = await conn.actor();
      if (call.caucusOf) {
        // In a caucus, ending means closing the caucus: everyone in it goes back to the plenary.
        if (!chairsSide(actor, call.facts, call.caucusOf.sideId))
          throw chairRefusal(actor, call.facts, 'Only a chair of your side closes its caucus');
        return mgr.closeCaucus(me.person.userId, call);
      }
      if (!isCallChair(actor, call.facts)) throw chairRefusal(actor, call.facts, 'Only a chair ends the call');
      const sideId = membershipIn(actor, call.facts.groupId)?.sideId ?? null;
      return mgr.end({ userId: me.person.userId, sideId }, call.facts);
    }
  }
}
