import { ChangePasswordBody, IdParams, LanguageBody, Ok, SessionList, ThemeBody } from '@parley/protocol';
import { and, desc, eq, gt, ne } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { fieldError, HttpError } from '../../http/errors.js';
import { runWrite } from '../../services/write.js';
import { assertNotLimited, type LoginLimiters, recordFailure } from './login-routes.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { requireUser } from './plugin.js';
import { sessions, users } from './schema.js';
import { clearSessionCookie } from './session-cookie.js';

/** The signed-in person's own sessions, password and look of the app. Nobody, not even the operator, sees another's sessions. */
export async function accountRoutes(app: FastifyInstance, opts: { ctx: AppContext; limiters: LoginLimiters }) {
  const { ctx, limiters } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['account'];

  r.get('/api/account/sessions', { schema: { tags, response: { 200: SessionList } } }, async (request) => {
    const user = requireUser(request);
    const current = request.auth.session?.id;
    const rows = await ctx.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), gt(sessions.expiresAt, new Date())))
      .orderBy(desc(sessions.lastSeenAt));
    return {
      sessions: rows.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        userAgent: s.userAgent,
        ip: s.ip,
        stage: s.stage,
        current: s.id === current,
      })),
    };
  });

  r.delete(
    '/api/account/sessions/:id',
    { schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { id } = request.params;
      await runWrite(ctx, user.id, async (w) => {
        // Another person's session id gets the same answer as an unknown one.
        const [gone] = await w.tx
          .delete(sessions)
          .where(and(eq(sessions.id, id), eq(sessions.userId, user.id)))
          .returning({ id: sessions.id });
        if (!gone) throw fieldError(404, 'params.id', 'no such session', 'no_such_session');
        await w.audit({
          action: 'auth.session_revoke',
          resourceType: 'session',
          resourceId: id,
          groupId: null,
          sideId: null,
          marking: 'shared',
        });
      });
      if (id === request.auth.session?.id) clearSessionCookie(reply, ctx.config);
      return { ok: true as const };
    },
  );

  r.post(
    '/api/account/password',
    { schema: { tags, body: ChangePasswordBody, response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      // A stolen session must not become a way to guess the password without limit.
      await assertNotLimited(limiters, request, user.email);
      if (!(await verifyPassword(user.passwordHash, request.body.currentPassword))) {
        await recordFailure(limiters, request, user.email);
        throw new HttpError(
          403,
          'Forbidden',
          'The current password is wrong',
          [{ path: 'body.currentPassword', message: 'wrong password', code: 'wrong_current_password' }],
          { code: 'wrong_current_password' },
        );
      }
      const passwordHash = await hashPassword(request.body.newPassword);
      const current = request.auth.session!.id;
      await runWrite(ctx, user.id, async (w) => {
        await w.tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
        // Whoever else held a session (perhaps the reason for the change) is signed out everywhere else.
        await w.tx.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.id, current)));
        await w.audit({
          action: 'auth.password_change',
          resourceType: 'user',
          resourceId: user.id,
          groupId: null,
          sideId: null,
          marking: 'shared',
        });
      });
      return { ok: true as const };
    },
  );

  r.put('/api/account/theme', { schema: { tags, body: ThemeBody, response: { 200: ThemeBody } } }, async (request) => {
    const user = requireUser(request);
    const { theme } = request.body;
    await runWrite(ctx, user.id, async (w) => {
      await w.tx.update(users).set({ theme }).where(eq(users.id, user.id));
      await w.audit({
        action: 'account.theme_change',
        resourceType: 'user',
        resourceId: user.id,
        groupId: null,
        sideId: null,
        marking: 'shared',
        after: { theme },
      });
    });
    return { theme };
  });

  r.put(
    '/api/account/language',
    { schema: { tags, body: LanguageBody, response: { 200: LanguageBody } } },
    async (request) => {
      const user = requireUser(request);
      const { language } = request.body;
      await runWrite(ctx, user.id, async (w) => {
        await w.tx.update(users).set({ language }).where(eq(users.id, user.id));
        await w.audit({
          action: 'account.language_change',
          resourceType: 'user',
          resourceId: user.id,
          groupId: null,
          sideId: null,
          marking: 'shared',
          after: { language },
        });
      });
      return { language };
    },
  );
}
