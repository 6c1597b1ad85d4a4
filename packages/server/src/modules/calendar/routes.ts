import { CalendarFeedParams, CalendarToken, Ok } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import { requireUser } from '../auth/plugin.js';
import { calendarFeedFor } from './feed.js';
import { revokeCalendarToken, rotateCalendarToken, userIdForCalendarToken } from './service.js';

const tags = ['calendar'];

export async function calendarRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/calendar/token',
    {
      schema: {
        tags,
        summary: 'Create or rotate the caller’s calendar subscription address (shown once)',
        response: { 201: CalendarToken },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { token, createdAt } = await rotateCalendarToken(ctx, user.id);
      reply.status(201).header('cache-control', 'no-store');
      return { url: `${ctx.config.publicUrl}/calendar/${token}.ics`, createdAt: createdAt.toISOString() };
    },
  );

  r.delete(
    '/api/calendar/token',
    { schema: { tags, summary: 'Revoke the caller’s calendar subscription address', response: { 200: Ok } } },
    async (request) => {
      const user = requireUser(request);
      await revokeCalendarToken(ctx, user.id);
      return { ok: true as const };
    },
  );

  r.get(
    '/calendar/:token.ics',
    {
      schema: {
        tags,
        summary: 'Subscription feed: the token owner’s meetings (no sign-in; the address is the secret)',
        params: CalendarFeedParams,
        produces: ['text/calendar'],
        security: [],
      },
    },
    async (request, reply) => {
      const userId = await userIdForCalendarToken(ctx.db, request.params.token);
      // Unknown, rotated and revoked tokens all look the same.
      const body = userId ? await calendarFeedFor(ctx, userId) : null;
      if (body === null) throw notFound('Calendar');
      reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer');
      return body;
    },
  );
}
