import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { gatePublish, withdrawPublication } from '../calls/index.js';
import { interpretsIn } from './queries.js';
import { interpretationRoutes } from './routes.js';

/**
 * Simultaneous interpretation in a meeting's call: its assignments and routes, and the rule the call applies to an
 * interpretation stream (only an assigned interpreter publishes one, docs/call-keys.md §13).
 */
export async function interpretationModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  gatePublish(ctx, 'interp', (db, meetingId, userId) => interpretsIn(db, meetingId, userId));
  // An unassigned interpreter goes off air at once, on every node (each hears the event and cuts its own sockets):
  // the gate alone would only refuse their next publication, and a client that ignores the event would stay on air.
  const unwatch = ctx.hub.watch(({ topic, event }) => {
    if (!topic.startsWith('meeting:') || event.kind !== 'interpretation.removed') return;
    withdrawPublication(ctx, event.resourceId, event.data.userId, 'interp').catch((err) =>
      ctx.log.error({ err, meetingId: event.resourceId }, 'interpretation: cutting an unassigned channel failed'),
    );
  });
  app.addHook('onClose', async () => unwatch());
  await app.register(interpretationRoutes, opts);
}
