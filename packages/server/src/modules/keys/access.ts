import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { notFound, unauthorized } from '../../http/errors.js';
import type { ActorFacts } from '../../policy/policy.js';
import { actorOf } from '../auth/plugin.js';
import { stepUpRefusal } from '../auth/step-up.js';
import { type MlsScope, mayTakePart, resolveContext, waitsForStepUp } from './contexts.js';
import { findMlsGroup, type MlsGroupRow, scopeOfGroup } from './mls-queries.js';

/**
 * 401 for anonymous callers; 404 for everyone the policy keeps out, so MLS group ids and contexts cannot be probed;
 * 403 with a step-up code for a chair whose session owes the group's step-up (they know the thread exists).
 */
export async function authorizeContext(
  ctx: AppContext,
  request: FastifyRequest,
  context: string,
): Promise<{ actor: ActorFacts; scope: MlsScope }> {
  if (!request.auth.user) throw unauthorized();
  const actor = await actorOf(ctx, request);
  const scope = await resolveContext(ctx.db, context);
  if (!scope || !mayTakePart(actor, scope)) throw notFound('Context');
  if (waitsForStepUp(actor, scope)) throw await stepUpRefusal(ctx.db, request);
  return { actor, scope };
}

export async function authorizeMlsGroup(
  ctx: AppContext,
  request: FastifyRequest,
  mlsGroupId: string,
): Promise<{ actor: ActorFacts; scope: MlsScope; group: MlsGroupRow }> {
  if (!request.auth.user) throw unauthorized();
  const actor = await actorOf(ctx, request);
  const group = await findMlsGroup(ctx.db, mlsGroupId);
  if (!group) throw notFound('MLS group');
  const scope = await scopeOfGroup(ctx.db, group);
  if (!mayTakePart(actor, scope)) throw notFound('MLS group');
  if (waitsForStepUp(actor, scope)) throw await stepUpRefusal(ctx.db, request);
  return { actor, scope, group };
}
