import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AppContext } from '../../context.js';
import { unauthorized } from '../../http/errors.js';
import { sha256Hex } from '../../lib/crypto.js';
import { loadActorFacts } from '../../policy/actor.js';
import { type ActorFacts, ANONYMOUS } from '../../policy/policy.js';
import { findLiveSession, findUserById, type SessionRow, type UserRow } from './queries.js';
import { sessions } from './schema.js';
import { SESSION_COOKIE } from './session-cookie.js';
import { owesStepUp, sessionOwesStepUp } from './step-up.js';

export interface RequestAuth {
  session: SessionRow | null;
  /** Set only for fully signed-in sessions. */
  user: UserRow | null;
  /**
   * Whether the session still owes a chair step-up, read afresh: a long-lived connection (the realtime socket)
   * outlives the request that opened it, and a step-up in another request lifts the wait.
   */
  owesStepUpNow(): Promise<boolean>;
}

const NO_STEP_UP_OWED = async () => false;

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
    actorFacts?: Promise<ActorFacts>;
  }
}

const TOUCH_INTERVAL_MS = 60_000;

/** Resolves the session cookie on every request; handlers then ask `requireUser` / `actorOf`. */
export const authPlugin = fp(async (app: FastifyInstance, opts: { ctx: AppContext }) => {
  const { ctx } = opts;
  app.decorateRequest('auth', null as unknown as RequestAuth);
  app.addHook('onRequest', async (request) => {
    request.auth = { session: null, user: null, owesStepUpNow: NO_STEP_UP_OWED };
    const token = request.cookies[SESSION_COOKIE];
    if (!token || token.length > 200) return;
    const session = await findLiveSession(ctx.db, sha256Hex(token));
    if (!session) return;
    request.auth.session = session;
    request.auth.owesStepUpNow = () => sessionOwesStepUp(ctx.db, session.id);
    if (session.stage === 'full') {
      const user = await findUserById(ctx.db, session.userId);
      // Disabling deletes the sessions too; this guards the moment in between.
      request.auth.user = user && !user.disabledAt ? user : null;
    }
    if (Date.now() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      // Bookkeeping only, not a change anyone acts on: no audit entry.
      await ctx.db.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, session.id));
    }
  });
});

export function requireUser(request: FastifyRequest): UserRow {
  if (!request.auth.user) throw unauthorized();
  return request.auth.user;
}

/** The policy's view of the caller, loaded once per request. */
export function actorOf(ctx: AppContext, request: FastifyRequest): Promise<ActorFacts> {
  const user = request.auth.user;
  if (!user) return Promise.resolve(ANONYMOUS);
  request.actorFacts ??= loadActorFacts(ctx.db, user.id, user.isAdmin, owesStepUp(request.auth.session));
  return request.actorFacts;
}
