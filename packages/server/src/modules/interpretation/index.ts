import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { gatePublish } from '../calls/index.js';
import { interpretsIn } from './queries.js';
import { interpretationRoutes } from './routes.js';

/**
 * Simultaneous interpretation in a meeting's call: its assignments and routes, and the rule the call applies to an
 * interpretation stream (only an assigned interpreter publishes one, docs/call-keys.md §13).
 */
export async function interpretationModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  gatePublish(opts.ctx, 'interp', (db, meetingId, userId) => interpretsIn(db, meetingId, userId));
  await app.register(interpretationRoutes, opts);
}
