import {
  CancelMeetingBody,
  ChangeFormatBody,
  CreateMeetingBody,
  EndMeetingBody,
  GroupParams,
  Meeting,
  MeetingDetail,
  MeetingList,
  MeetingListQuery,
  MeetingParams,
  PostponeMeetingBody,
  ReRequestMeetingBody,
  RescheduleMeetingBody,
  ShareMeetingBody,
  StartMeetingBody,
  UpdateMeetingBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { fieldError, forbidden } from '../../http/errors.js';
import { canSeeItem, decide, membershipIn } from '../../policy/policy.js';
import { authorizeGroup } from '../groups/access.js';
import { meetingAccess, representSide } from './access.js';
import { historyDto, meetingDto, visibleAgendaDto } from './dto.js';
import { agendaOfMeeting, eventsOfMeeting, findMeeting, meetingsOfGroup } from './queries.js';
import * as svc from './service.js';

const tags = ['meetings'];

export async function meetingRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/groups/:groupId/meetings',
    { schema: { tags, params: GroupParams, querystring: MeetingListQuery, response: { 200: MeetingList } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      const { status, from, to } = request.query;
      if (from && to && Date.parse(from) > Date.parse(to))
        throw fieldError(400, 'querystring.to', 'must not be before from', 'to_before_from');
      const rows = await meetingsOfGroup(ctx.db, group.id, {
        ...(status ? { statuses: status } : {}),
        ...(from ? { from: new Date(from) } : {}),
        ...(to ? { to: new Date(to) } : {}),
      });
      return {
        meetings: rows
          .filter((m) => canSeeItem(actor, { group, sideId: m.sideId, marking: m.marking }))
          .map(meetingDto),
      };
    },
  );

  r.post(
    '/api/groups/:groupId/meetings',
    { schema: { tags, params: GroupParams, body: CreateMeetingBody, response: { 201: Meeting } } },
    async (request, reply) => {
      const user = request.auth.user!;
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      const body = request.body;
      const ownSide = membershipIn(actor, group.id)?.sideId ?? null;
      if (body.marking === 'shared' && body.sideId !== undefined) {
        throw fieldError(400, 'body.sideId', 'only a side-only meeting has an owning side', 'owner_only_side_only');
      }
      const sideId = body.marking === 'side-only' ? (body.sideId ?? ownSide) : null;
      const allowed =
        body.marking === 'shared'
          ? decide(actor, 'group.write', { type: 'group', group })
          : sideId !== null &&
            decide(actor, 'item.write', { type: 'item', item: { group, sideId, marking: 'side-only' } });
      if (!allowed) throw forbidden();
      const m = await svc.createMeeting(ctx, { userId: user.id, sideId: ownSide }, group, {
        title: body.title,
        format: body.format,
        location: body.location,
        start: new Date(body.start),
        end: new Date(body.end),
        timeZone: body.timeZone,
        marking: body.marking,
        sideId,
      });
      reply.status(201);
      return meetingDto(m);
    },
  );

  r.get(
    '/api/meetings/:meetingId',
    { schema: { tags, params: MeetingParams, response: { 200: MeetingDetail } } },
    async (request) => {
      const { actor, facts } = await meetingAccess(ctx, request, request.params.meetingId);
      const group = facts.group;
      const [m, events, agenda] = await Promise.all([
        findMeeting(ctx.db, facts.id),
        eventsOfMeeting(ctx.db, facts.id),
        agendaOfMeeting(ctx.db, facts.id),
      ]);
      return {
        meeting: meetingDto(m),
        history: await historyDto(ctx.db, actor, group, events),
        agenda: visibleAgendaDto(actor, group, agenda),
      };
    },
  );

  r.patch(
    '/api/meetings/:meetingId',
    { schema: { tags, params: MeetingParams, body: UpdateMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.write');
      return meetingDto(await svc.updateMeeting(ctx, a.who, a.facts.group, a.facts.id, request.body));
    },
  );

  r.post(
    '/api/meetings/:meetingId/cancel',
    { schema: { tags, params: MeetingParams, body: CancelMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId);
      const bySideId = await representSide(ctx, a, request.body.bySideId);
      const m = await svc.cancelMeeting(ctx, a.who, a.facts.group, a.facts.id, { ...request.body, bySideId });
      return meetingDto(m);
    },
  );

  r.post(
    '/api/meetings/:meetingId/re-request',
    { schema: { tags, params: MeetingParams, body: ReRequestMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId);
      const bySideId = await representSide(ctx, a, request.body.bySideId);
      const m = await svc.reRequestMeeting(ctx, a.who, a.facts.group, a.facts.id, { ...request.body, bySideId });
      return meetingDto(m);
    },
  );

  r.post(
    '/api/meetings/:meetingId/postpone',
    { schema: { tags, params: MeetingParams, body: PostponeMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId);
      const bySideId = await representSide(ctx, a, request.body.bySideId);
      const m = await svc.postponeMeeting(ctx, a.who, a.facts.group, a.facts.id, {
        bySideId,
        reason: request.body.reason ?? null,
      });
      return meetingDto(m);
    },
  );

  r.post(
    '/api/meetings/:meetingId/reschedule',
    { schema: { tags, params: MeetingParams, body: RescheduleMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.write');
      const { start, end, timeZone, reason } = request.body;
      const m = await svc.rescheduleMeeting(ctx, a.who, a.facts.group, a.facts.id, {
        start: new Date(start),
        end: new Date(end),
        timeZone,
        reason: reason ?? null,
      });
      return meetingDto(m);
    },
  );

  r.post(
    '/api/meetings/:meetingId/change-format',
    { schema: { tags, params: MeetingParams, body: ChangeFormatBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.write');
      return meetingDto(await svc.changeMeetingFormat(ctx, a.who, a.facts.group, a.facts.id, request.body));
    },
  );

  r.post(
    '/api/meetings/:meetingId/start',
    { schema: { tags, params: MeetingParams, body: StartMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.chair');
      const at = request.body.at ? new Date(request.body.at) : undefined;
      return meetingDto(await svc.startMeeting(ctx, a.who, a.facts.group, a.facts.id, at ? { at } : {}));
    },
  );

  r.post(
    '/api/meetings/:meetingId/end',
    { schema: { tags, params: MeetingParams, body: EndMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.chair');
      const at = request.body.at ? new Date(request.body.at) : undefined;
      return meetingDto(await svc.endMeeting(ctx, a.who, a.facts.group, a.facts.id, at ? { at } : {}));
    },
  );

  r.post(
    '/api/meetings/:meetingId/share',
    { schema: { tags, params: MeetingParams, body: ShareMeetingBody, response: { 200: Meeting } } },
    async (request) => {
      // Only a chair of the owning side reclassifies: the item is that side's until this succeeds.
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.chair');
      return meetingDto(await svc.shareMeeting(ctx, a.who, a.facts.group, a.facts.id));
    },
  );
}
