import { CallClientMessage, type DomainEventKind } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { CallManager } from './manager.js';
import { answerRemote, disconnected } from './membership.js';
import { callRoutes } from './routes.js';
import { setCallManager } from './runtime.js';
import { handleCallMessage } from './signalling.js';

/** Call signalling carries SDP, which outgrows the socket's usual 16 KiB with many streams. */
const MAX_CALL_MESSAGE_BYTES = 64 * 1024;

const CLOSING = new Set<DomainEventKind>(['meeting.ended', 'meeting.cancelled', 'meeting.postponed']);

/** Secure calls: lifecycle routes, the ICE-server endpoint, and the live calls that `call.*` messages on /ws drive. */
export async function callsModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  const mgr = new CallManager(opts.ctx);
  mgr.answerRemote = (call, request) => answerRemote(mgr, call, request);
  setCallManager(opts.ctx, mgr);
  opts.ctx.hub.registerMessages(CallClientMessage, (conn, msg) => handleCallMessage(opts.ctx, mgr, conn, msg), {
    maxBytes: MAX_CALL_MESSAGE_BYTES,
  });
  opts.ctx.hub.onDisconnect((conn) => disconnected(mgr, conn));
  // A meeting ended, cancelled or postponed through the lifecycle takes its running call with it.
  const unwatch = opts.ctx.hub.watch(({ topic, event }) => {
    if (!topic.startsWith('meeting:') || event.resourceType !== 'meeting' || !CLOSING.has(event.kind)) return;
    mgr
      .meetingClosed(event.resourceId, event.kind)
      .catch((err) =>
        opts.ctx.log.error({ err, meetingId: event.resourceId }, 'calls: ending the call of a closed meeting failed'),
      );
  });
  app.addHook('onClose', async () => {
    unwatch();
    await mgr.close();
  });
  await app.register(callRoutes, { ctx: opts.ctx, mgr });
}

export {
  type CallEndHook,
  type CallPerson,
  callPersonOf,
  callStanding,
  chairsSide,
  isCallChair,
  onCallEnd,
  runningCall,
  waitsInLobby,
  withdrawPublication,
} from './api.js';
export { callLoad } from './placement.js';
export { gatePublish } from './publish-gates.js';
export { callManagerOf } from './runtime.js';
