import { MeetingParams } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { findGroup } from '../groups/queries.js';
import { meetingAccess } from './access.js';
import { attendeesFor, inviteIcs } from './ics.js';
import { findMeeting } from './queries.js';

export async function meetingIcsRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/meetings/:meetingId/invite.ics',
    {
      schema: {
        tags: ['meetings', 'calendar'],
        summary: 'iCalendar invitation (METHOD:REQUEST, or METHOD:CANCEL once cancelled)',
        params: MeetingParams,
        produces: ['text/calendar'],
      },
    },
    async (request, reply) => {
      const { actor, facts } = await meetingAccess(ctx, request, request.params.meetingId);
      const [m, g] = await Promise.all([findMeeting(ctx.db, facts.id), findGroup(ctx.db, facts.groupId)]);
      const attendees = await attendeesFor(ctx.db, actor, facts.group, m);
      const body = inviteIcs(m, { publicUrl: ctx.config.publicUrl, groupName: g?.name ?? 'Parley' }, attendees);
      reply
        .type('text/calendar; charset=utf-8; method=' + (m.status === 'cancelled' ? 'CANCEL' : 'REQUEST'))
        .header('content-disposition', 'attachment; filename="invite.ics"')
        .header('cache-control', 'no-store');
      return body;
    },
  );
}
