import {
  ApproveStatementBody,
  CreateStatementBody,
  EditStatementBody,
  GroupParams,
  JointStatement,
  JointStatementList,
  StatementParams,
  StatementQuery,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { forbidden, notFound, unauthorized } from '../../http/errors.js';
import { type ActorFacts, canSeeItem, type GroupFacts, steppedUp } from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { stepUpRefusal } from '../auth/step-up.js';
import { authorize, authorizeGroup } from '../groups/access.js';
import { groupFacts } from '../groups/queries.js';
import {
  approvingSideOf,
  findStatement,
  listStatements,
  type StatementRow,
  statementDtos,
  statementItem,
} from './queries.js';
import * as svc from './service.js';

const tags = ['statements'];

export async function statementRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const one = async (actor: ActorFacts, group: GroupFacts, row: StatementRow) =>
    (await statementDtos(ctx.db, actor, group, [row]))[0]!;

  const visible = async (request: FastifyRequest, id: string) => {
    if (!request.auth.user) throw unauthorized();
    const row = await findStatement(ctx.db, id);
    if (!row) throw notFound('Statement');
    const group = await groupFacts(ctx.db, row.groupId);
    const actor = await actorOf(ctx, request);
    if (!canSeeItem(actor, statementItem(group))) throw notFound('Statement');
    return { row, group, actor };
  };

  r.get(
    '/api/groups/:groupId/statements',
    { schema: { tags, params: GroupParams, querystring: StatementQuery, response: { 200: JointStatementList } } },
    async (request) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.read');
      const rows = await listStatements(ctx.db, group.id, request.query.meetingId);
      return { statements: await statementDtos(ctx.db, actor, group, rows) };
    },
  );

  r.post(
    '/api/groups/:groupId/statements',
    { schema: { tags, params: GroupParams, body: CreateStatementBody, response: { 201: JointStatement } } },
    async (request, reply) => {
      const { actor, group } = await authorizeGroup(ctx, request, request.params.groupId, 'group.write');
      const row = await svc.createStatement(ctx, actor, group, request.body);
      reply.status(201);
      return one(actor, group, row);
    },
  );

  r.get(
    '/api/statements/:statementId',
    { schema: { tags, params: StatementParams, response: { 200: JointStatement } } },
    async (request) => {
      const { row, group, actor } = await visible(request, request.params.statementId);
      return one(actor, group, row);
    },
  );

  r.patch(
    '/api/statements/:statementId',
    { schema: { tags, params: StatementParams, body: EditStatementBody, response: { 200: JointStatement } } },
    async (request) => {
      const { row, group } = await visible(request, request.params.statementId);
      const actor = await authorize(ctx, request, 'item.write', { type: 'item', item: statementItem(group) });
      return one(actor, group, await svc.editStatement(ctx, actor, group, row.id, request.body));
    },
  );

  r.post(
    '/api/statements/:statementId/approvals',
    { schema: { tags, params: StatementParams, body: ApproveStatementBody, response: { 200: JointStatement } } },
    async (request) => {
      const { row, group, actor } = await visible(request, request.params.statementId);
      const sideId = await approvingSideOf(ctx.db, actor, group);
      if (!sideId && (await approvingSideOf(ctx.db, steppedUp(actor), group)))
        throw await stepUpRefusal(ctx.db, request);
      if (!sideId) throw forbidden(group.kind === 'track' ? 'Chairs of the parent group approve' : 'Chairs approve');
      return one(actor, group, await svc.approveStatement(ctx, actor, group, row.id, sideId, request.body.textHash));
    },
  );
}
