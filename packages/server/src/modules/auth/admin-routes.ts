import { CreateUserBody, User, UserList } from '@parley/protocol';
import { asc } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { authorize } from '../groups/access.js';
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
}
