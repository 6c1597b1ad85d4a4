import {
  CreateIdentityProviderBody,
  GroupParams,
  IdentityProvider,
  IdentityProviderList,
  IdParams,
  Ok,
  SideIdentityProvider,
  SideIdentityProviderBody,
  SideIdentityProviderList,
  SideParams,
  UpdateIdentityProviderBody,
} from '@parley/protocol';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, notFound } from '../../http/errors.js';
import { runWrite, type WriteScope } from '../../services/write.js';
import { requireUser } from '../auth/plugin.js';
import { authorize } from '../groups/access.js';
import { findSide, groupFacts } from '../groups/queries.js';
import { groups, sides } from '../groups/schema.js';
import { forgetProviderConfig, type ProviderRow } from './oidc-client.js';
import { sealClientSecret } from './provider-secret.js';
import { identityProviders, sideIdentityProviders } from './schema.js';

/** What the audit log keeps of a provider: never the secret. */
const auditView = (p: ProviderRow) => ({
  id: p.id,
  name: p.name,
  issuer: p.issuer,
  clientId: p.clientId,
  agencyClaim: p.agencyClaim,
  roleClaim: p.roleClaim,
  roleMap: p.roleMap,
});

const providerAudit = (w: WriteScope, action: string, p: ProviderRow, before?: ProviderRow) =>
  w.audit({
    action,
    resourceType: 'identity_provider',
    resourceId: p.id,
    groupId: null,
    sideId: null,
    marking: 'shared',
    ...(before ? { before: auditView(before) } : {}),
    ...(action.endsWith('delete') ? {} : { after: auditView(p) }),
  });

async function providerDtos(ctx: AppContext, rows: ProviderRow[]): Promise<IdentityProvider[]> {
  const bindings = await ctx.db
    .select({
      providerId: sideIdentityProviders.providerId,
      groupId: groups.id,
      sideId: sides.id,
      label: groups.name,
      side: sides.name,
    })
    .from(sideIdentityProviders)
    .innerJoin(sides, eq(sides.id, sideIdentityProviders.sideId))
    .innerJoin(groups, eq(groups.id, sides.groupId))
    .orderBy(asc(groups.name), asc(sides.position));
  return rows.map((p) => ({
    ...auditView(p),
    boundSides: bindings
      .filter((b) => b.providerId === p.id)
      .map((b) => ({ groupId: b.groupId, sideId: b.sideId, label: `${b.label} — ${b.side}` })),
    createdAt: p.createdAt.toISOString(),
  }));
}

const issuerTaken = () =>
  conflict('A provider with this issuer is registered', undefined, [
    { path: 'body.issuer', message: 'already registered', code: 'already_registered' },
  ]);

export async function identityAdminRoutes(app: FastifyInstance, opts: { ctx: AppContext }) {
  const { ctx } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  const admin = async (request: Parameters<typeof requireUser>[0]) => {
    const actor = requireUser(request);
    await authorize(ctx, request, 'instance.administer', { type: 'instance' });
    return actor;
  };
  const findProvider = async (id: string) => {
    const [p] = await ctx.db.select().from(identityProviders).where(eq(identityProviders.id, id));
    if (!p) throw notFound('Identity provider');
    return p;
  };

  r.get(
    '/api/admin/identity-providers',
    { schema: { tags, response: { 200: IdentityProviderList } } },
    async (request) => {
      await admin(request);
      const rows = await ctx.db.select().from(identityProviders).orderBy(asc(identityProviders.name));
      return { providers: await providerDtos(ctx, rows) };
    },
  );

  r.post(
    '/api/admin/identity-providers',
    { schema: { tags, body: CreateIdentityProviderBody, response: { 201: IdentityProvider } } },
    async (request, reply) => {
      const actor = await admin(request);
      const b = request.body;
      const p = await runWrite(ctx, actor.id, async (w) => {
        const [taken] = await w.tx
          .select({ id: identityProviders.id })
          .from(identityProviders)
          .where(eq(identityProviders.issuer, b.issuer));
        if (taken) throw issuerTaken();
        const [row] = await w.tx
          .insert(identityProviders)
          .values({
            name: b.name,
            issuer: b.issuer,
            clientId: b.clientId,
            clientSecret: 'pending',
            agencyClaim: b.agencyClaim ?? null,
            roleClaim: b.roleClaim ?? null,
            roleMap: b.roleMap ?? {},
          })
          .returning();
        // Sealed with the row's own id as context, which exists only once the row does.
        const [sealed] = await w.tx
          .update(identityProviders)
          .set({ clientSecret: sealClientSecret(ctx.secrets(), row!.id, b.clientSecret) })
          .where(eq(identityProviders.id, row!.id))
          .returning();
        await providerAudit(w, 'identity_provider.create', sealed!);
        return sealed!;
      });
      reply.status(201);
      return (await providerDtos(ctx, [p]))[0]!;
    },
  );

  r.patch(
    '/api/admin/identity-providers/:id',
    { schema: { tags, params: IdParams, body: UpdateIdentityProviderBody, response: { 200: IdentityProvider } } },
    async (request) => {
      const actor = await admin(request);
      const before = await findProvider(request.params.id);
      const { clientSecret, ...rest } = request.body;
      const p = await runWrite(ctx, actor.id, async (w) => {
        if (rest.issuer && rest.issuer !== before.issuer) {
          const [taken] = await w.tx
            .select({ id: identityProviders.id })
            .from(identityProviders)
            .where(eq(identityProviders.issuer, rest.issuer));
          if (taken) throw issuerTaken();
        }
        const [row] = await w.tx
          .update(identityProviders)
          .set({
            ...rest,
            ...(clientSecret ? { clientSecret: sealClientSecret(ctx.secrets(), before.id, clientSecret) } : {}),
          })
          .where(eq(identityProviders.id, before.id))
          .returning();
        await providerAudit(w, 'identity_provider.update', row!, before);
        return row!;
      });
      forgetProviderConfig(p.id);
      return (await providerDtos(ctx, [p]))[0]!;
    },
  );

  r.delete(
    '/api/admin/identity-providers/:id',
    { schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (request) => {
      const actor = await admin(request);
      const before = await findProvider(request.params.id);
      // Its links and side bindings go with it; accounts and seats stay (the people keep their other ways in).
      await runWrite(ctx, actor.id, async (w) => {
        await w.tx.delete(identityProviders).where(eq(identityProviders.id, before.id));
        await providerAudit(w, 'identity_provider.delete', before, before);
      });
      forgetProviderConfig(before.id);
      return { ok: true as const };
    },
  );

  r.get(
    '/api/groups/:groupId/identity-providers',
    { schema: { tags, params: GroupParams, response: { 200: SideIdentityProviderList } } },
    async (request) => {
      await admin(request);
      const group = await groupFacts(ctx.db, request.params.groupId);
      const rows = await ctx.db
        .select({ sideId: sides.id, providerId: sideIdentityProviders.providerId })
        .from(sides)
        .leftJoin(sideIdentityProviders, eq(sideIdentityProviders.sideId, sides.id))
        .where(eq(sides.groupId, group.id))
        .orderBy(asc(sides.position));
      return { sides: rows };
    },
  );

  r.put(
    '/api/groups/:groupId/sides/:sideId/identity-provider',
    { schema: { tags, params: SideParams, body: SideIdentityProviderBody, response: { 200: SideIdentityProvider } } },
    async (request) => {
      const actor = await admin(request);
      const group = await groupFacts(ctx.db, request.params.groupId);
      const side = await findSide(ctx.db, group.id, request.params.sideId);
      const { providerId } = request.body;
      if (providerId) {
        const [p] = await ctx.db
          .select({ id: identityProviders.id })
          .from(identityProviders)
          .where(eq(identityProviders.id, providerId));
        if (!p) throw fieldError(404, 'body.providerId', 'no such identity provider', 'no_such_provider');
      }
      await runWrite(ctx, actor.id, async (w) => {
        const [before] = await w.tx
          .select()
          .from(sideIdentityProviders)
          .where(eq(sideIdentityProviders.sideId, side.id));
        await w.tx.delete(sideIdentityProviders).where(eq(sideIdentityProviders.sideId, side.id));
        if (providerId)
          await w.tx.insert(sideIdentityProviders).values({ sideId: side.id, groupId: group.id, providerId });
        await w.audit({
          action: 'side.identity_provider',
          resourceType: 'side',
          resourceId: side.id,
          groupId: group.id,
          sideId: side.id,
          marking: 'shared',
          before: { providerId: before?.providerId ?? null },
          after: { providerId },
        });
      });
      return { sideId: side.id, providerId };
    },
  );
}
