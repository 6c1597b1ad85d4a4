import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { auditRoutes } from './audit/routes.js';
import { adminRoutes } from './auth/admin-routes.js';
import { createLoginLimiters, loginRoutes } from './auth/login-routes.js';
import { authPlugin } from './auth/plugin.js';
import { groupRoutes } from './groups/routes.js';
import { registerGroupTopics } from './groups/topics.js';

/** Each domain module registers its own routes; this is the one list of them. */
export async function registerModules(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(authPlugin, { ctx });
  const limiters = createLoginLimiters();
  await app.register(loginRoutes, { ctx, limiters });
  await app.register(adminRoutes, { ctx });
  await app.register(groupRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  registerGroupTopics(ctx);
}
