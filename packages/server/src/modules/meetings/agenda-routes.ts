import {
  Agenda,
  AgendaItem,
  AgendaItemParams,
  CreateAgendaItemBody,
  MeetingParams,
  Ok,
  ReorderAgendaBody,
  UpdateAgendaItemBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { fieldError, forbidden, notFound } from '../../http/errors.js';
import { canSeeItem, decide } from '../../policy/policy.js';
import { type MeetingAccess, meetingAccess } from './access.js';
import * as svc from './agenda-service.js';
import { visibleAgendaDto } from './dto.js';
import { agendaOfMeeting, findAgendaItem } from './queries.js';

const tags = ['meetings'];

export async function agendaRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** The agenda as this caller sees it; positions are renumbered so hidden items leave no gaps. */
  const visibleAgenda = async (a: MeetingAccess) => {
    return visibleAgendaDto(a.actor, a.facts.group, await agendaOfMeeting(ctx.db, a.facts.id));
  };
  const itemView = async (a: MeetingAccess, itemId: string) => {
    const found = (await visibleAgenda(a)).find((i) => i.id === itemId);
    if (!found) throw notFound('Agenda item');
    return found;
  };
  /** A visible, writable item: another side's side-only item is "not found", a read-only caller is refused. */
  const writableItem = async (a: MeetingAccess, itemId: string) => {
    const row = await findAgendaItem(ctx.db, a.facts.id, itemId);
    const item = svc.agendaItemFacts(a.facts.group, row);
    if (!canSeeItem(a.actor, item)) throw notFound('Agenda item');
    if (!decide(a.actor, 'item.write', { type: 'item', item })) throw forbidden();
    return row;
  };

  r.get(
    '/api/meetings/:meetingId/agenda',
    { schema: { tags, params: MeetingParams, response: { 200: Agenda } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId);
      return { meetingId: a.facts.id, items: await visibleAgenda(a) };
    },
  );

  r.post(
    '/api/meetings/:meetingId/agenda',
    { schema: { tags, params: MeetingParams, body: CreateAgendaItemBody, response: { 201: AgendaItem } } },
    async (request, reply) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.write');
      const { title, notes } = request.body;
      const meetingSide = a.facts.item.sideId;
      let marking = request.body.marking ?? (meetingSide ? 'side-only' : 'shared');
      let sideId: string | null;
      if (meetingSide) {
        // Everything in a side-only meeting belongs to that side.
        if (marking !== 'side-only')
          throw fieldError(400, 'body.marking', 'a side-only meeting has a side-only agenda', 'side_only_agenda');
        if (request.body.sideId !== undefined && request.body.sideId !== meetingSide) {
          throw fieldError(400, 'body.sideId', 'must be the side that owns the meeting', 'meeting_owner_side');
        }
        sideId = meetingSide;
      } else if (marking === 'shared') {
        if (request.body.sideId !== undefined)
          throw fieldError(400, 'body.sideId', 'only a side-only item has an owning side', 'owner_only_side_only');
        sideId = null;
      } else {
        sideId = request.body.sideId ?? a.who.sideId;
        marking = 'side-only';
      }
      if (
        sideId !== null &&
        !decide(a.actor, 'item.write', { type: 'item', item: { group: a.facts.group, sideId, marking } })
      ) {
        throw forbidden('Only delegates of that side may add its side-only items');
      }
      const row = await svc.addAgendaItem(ctx, a.who.userId, a.facts.group, a.facts.id, {
        title,
        notes,
        marking,
        sideId,
      });
      reply.status(201);
      return itemView(a, row.id);
    },
  );

  r.patch(
    '/api/meetings/:meetingId/agenda/:itemId',
    { schema: { tags, params: AgendaItemParams, body: UpdateAgendaItemBody, response: { 200: AgendaItem } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.write');
      const row = await writableItem(a, request.params.itemId);
      await svc.updateAgendaItem(ctx, a.who.userId, a.facts.group, a.facts.id, row.id, request.body);
      return itemView(a, row.id);
    },
  );

  r.delete(
    '/api/meetings/:meetingId/agenda/:itemId',
    { schema: { tags, params: AgendaItemParams, response: { 200: Ok } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.write');
      const row = await writableItem(a, request.params.itemId);
      await svc.deleteAgendaItem(ctx, a.who.userId, a.facts.group, a.facts.id, row.id);
      return { ok: true as const };
    },
  );

  r.put(
    '/api/meetings/:meetingId/agenda/order',
    { schema: { tags, params: MeetingParams, body: ReorderAgendaBody, response: { 200: Agenda } } },
    async (request) => {
      const a = await meetingAccess(ctx, request, request.params.meetingId, 'item.write');
      await svc.reorderAgenda(ctx, a.actor, a.facts.group, a.facts.id, request.body.itemIds);
      return { meetingId: a.facts.id, items: await visibleAgenda(a) };
    },
  );
}
