import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { identityAdminRoutes } from './admin-routes.js';
import { scheduleIdentityChecks } from './deprovisioning.js';
import { signInRoutes } from './sign-in-routes.js';

/** Sign-in through a side's identity provider (OpenID Connect): registration, binding, sign-in, deprovisioning. */
export async function identityModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  await app.register(signInRoutes, opts);
  await app.register(identityAdminRoutes, opts);
  scheduleIdentityChecks(app, opts.ctx);
}
