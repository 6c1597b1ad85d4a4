import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { CallManager } from './manager.js';
import { callRoutes } from './routes.js';
import { setCallManager } from './runtime.js';

/** Secure calls: lifecycle routes, the ICE-server endpoint, and the live calls that /ws signalling drives. */
export async function callsModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  const mgr = new CallManager(opts.ctx);
  setCallManager(opts.ctx, mgr);
  app.addHook('onClose', async () => mgr.close());
  await app.register(callRoutes, { ctx: opts.ctx, mgr });
}

export { callManagerOf } from './runtime.js';
