import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { auditRoutes } from './audit/routes.js';
import { accountRoutes } from './auth/account-routes.js';
import { adminRoutes } from './auth/admin-routes.js';
import { createLoginLimiters, loginRoutes } from './auth/login-routes.js';
import { passkeyAccountRoutes } from './auth/passkey-account-routes.js';
import { passkeyLoginRoutes } from './auth/passkey-login-routes.js';
import { authPlugin } from './auth/plugin.js';
import { totpRoutes } from './auth/totp-routes.js';
import { calendarRoutes } from './calendar/routes.js';
import { callsModule } from './calls/index.js';
import { groupRoutes } from './groups/routes.js';
import { registerGroupTopics } from './groups/topics.js';
import { invitationRoutes } from './invitations/routes.js';
import { keysModule } from './keys/routes.js';
import { meetingsModule } from './meetings/index.js';
import { outcomeRoutes } from './outcomes/routes.js';
import { publicRoutes } from './public/routes.js';
import { readoutRoutes } from './readouts/routes.js';
import { statementRoutes } from './statements/routes.js';
import { trackRoutes } from './tracks/routes.js';

/** Each domain module registers its own routes; this is the one list of them. */
export async function registerModules(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(authPlugin, { ctx });
  const limiters = createLoginLimiters();
  await app.register(loginRoutes, { ctx, limiters });
  await app.register(accountRoutes, { ctx, limiters });
  await app.register(totpRoutes, { ctx, limiters });
  await app.register(passkeyAccountRoutes, { ctx });
  await app.register(passkeyLoginRoutes, { ctx, limiters });
  await app.register(invitationRoutes, { ctx });
  await app.register(adminRoutes, { ctx });
  await app.register(groupRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  registerGroupTopics(ctx);
  await app.register(meetingsModule, { ctx });
  await app.register(calendarRoutes, { ctx });
  await app.register(keysModule, { ctx });
  await app.register(callsModule, { ctx });
  await app.register(outcomeRoutes, { ctx });
  await app.register(trackRoutes, { ctx });
  await app.register(readoutRoutes, { ctx });
  await app.register(statementRoutes, { ctx });
  await app.register(publicRoutes, { ctx });
}
