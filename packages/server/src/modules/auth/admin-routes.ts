import { CreateUserBody, IdParams, TemporaryPassword, User, UserList } from '@parley/protocol';
import { asc } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { authorize } from '../groups/access.js';
import { type AccountAction, runAccountAction } from './admin-accounts.js';
import { requireUser } from './plugin.js';
import { toUserDto } from './queries.js';
import { users } from './schema.js';
import { createUser } from './users.js';

export async function adminRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  r.get('/api/admin/users', { schema: { tags, response: { 200: UserList } } }, async (request) => {
    requireUser(request);
    await authorize(ctx, request, 'instance.administer', { type: 'instance' });
    const rows = await ctx.db.select().from(users).orderBy(asc(users.email));
    return { users: await Promise.all(rows.map((u) => toUserDto(ctx.db, u))) };
  });
  r.post(
    '/api/admin/users',
    { schema: { tags, body: CreateUserBody, response: { 201: User } } },
    async (request, reply) => {
      const actor = requireUser(request);
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      const u = await createUser(ctx, actor.id, request.body);
      reply.status(201);
      return toUserDto(ctx.db, u);
    },
  );

  // Each ends the account's sessions; reset-password answers the temporary password, once.
  const actions: [string, Exclude<AccountAction, 'reset_password'>][] = [
    ['disable', 'disable'],
    ['enable', 'enable'],
    ['reset-second-factors', 'reset_second_factors'],
  ];
  for (const [path, kind] of actions) {
    r.post(
      `/api/admin/users/:id/${path}`,
      { schema: { tags, params: IdParams, response: { 200: User } } },
      async (request) => {
        const actor = requireUser(request);
        await authorize(ctx, request, 'instance.administer', { type: 'instance' });
        const { user } = await runAccountAction(ctx, actor.id, request.params.id, kind);
        return toUserDto(ctx.db, user);
      },
    );
  }
  r.post(
    '/api/admin/users/:id/reset-password',
    { schema: { tags, params: IdParams, response: { 200: TemporaryPassword } } },
    async (request) => {
      const actor = requireUser(request);
      await authorize(ctx, request, 'instance.administer', { type: 'instance' });
      const { temporaryPassword } = await runAccountAction(ctx, actor.id, request.params.id, 'reset_password');
      return { temporaryPassword: temporaryPassword! };
    },
  );
}
