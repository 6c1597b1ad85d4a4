import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { deviceRoutes } from './device-routes.js';
import { mlsExternalRoutes } from './mls-external-routes.js';
import { mlsRoutes } from './mls-routes.js';
import { createMlsRuntime } from './runtime.js';
import { registerMlsTopics } from './topics.js';

/** Device keys + MLS Delivery Service, registered as one module. */
export async function keysModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  const runtime = createMlsRuntime(opts.ctx);
  registerMlsTopics(opts.ctx);
  app.addHook('onClose', async () => runtime.nominator.close());
  await app.register(deviceRoutes, { ctx: opts.ctx, runtime });
  await app.register(mlsRoutes, { ctx: opts.ctx, runtime });
  await app.register(mlsExternalRoutes, { ctx: opts.ctx, runtime });
}
