import type { DomainEventKind } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { CallManager } from './manager.js';
import { callRoutes } from './routes.js';
import { setCallManager } from './runtime.js';

const CLOSING = new Set<DomainEventKind>(['meeting.ended', 'meeting.cancelled', 'meeting.postponed']);

/** Secure calls: lifecycle routes, the ICE-server endpoint, and the live calls that /ws signalling drives. */
export async function callsModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  const mgr = new CallManager(opts.ctx);
  setCallManager(opts.ctx, mgr);
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

export { callManagerOf } from './runtime.js';
