import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { randomToken } from '../../lib/crypto.js';
import type { WriteScope } from '../../services/write.js';
import { users } from '../auth/schema.js';
import { agencies, groups, memberships, sides } from '../groups/schema.js';
import { addMembership, createAgency, updateMembership } from '../groups/service.js';
import { SignInRefused, type VerifiedIdentity } from './claims.js';
import type { ProviderRow } from './oidc-client.js';
import { sealRefreshToken } from './provider-secret.js';
import { identityLinks, sideIdentityProviders } from './schema.js';

/** The sides a provider signs people into, with their group. */
export async function boundSidesOf(db: AppContext['db'] | WriteScope['tx'], providerId: string) {
  return db
    .select({ sideId: sides.id, groupId: sides.groupId, kind: groups.kind, parentGroupId: groups.parentGroupId })
    .from(sideIdentityProviders)
    .innerJoin(sides, eq(sides.id, sideIdentityProviders.sideId))
    .innerJoin(groups, eq(groups.id, sides.groupId))
    .where(eq(sideIdentityProviders.providerId, providerId));
}

/**
 * Finds or makes the account for a verified identity and seats it in every side bound to the provider; all in the
 * caller's one transaction, so a refusal leaves nothing behind. Returns the account's id.
 *
 * An existing account is linked by subject first, then by verified email — but only an account that is not the
 * administrator and sits in no side other than this provider's: a provider can mint and reach members of its own
 * sides only (docs/threat-model.md).
 */
export async function provision(
  ctx: AppContext,
  w: WriteScope,
  p: ProviderRow,
  who: VerifiedIdentity,
  refreshToken: string | null,
): Promise<string> {
  const tx = w.tx;
  const bound = await boundSidesOf(tx, p.id);
  if (bound.length === 0) throw new SignInRefused('not_bound');
  const ownSides = new Set(bound.map((b) => b.sideId));

  const [link] = await tx
    .select()
    .from(identityLinks)
    .where(and(eq(identityLinks.providerId, p.id), eq(identityLinks.subject, who.subject)));
  let userId = link?.userId;
  if (!userId) {
    const [byEmail] = await tx.select().from(users).where(eq(users.email, who.email));
    if (byEmail) {
      const seats = await tx
        .select({ sideId: memberships.sideId })
        .from(memberships)
        .where(eq(memberships.userId, byEmail.id));
      if (byEmail.isAdmin || seats.some((s) => !ownSides.has(s.sideId))) throw new SignInRefused('account_elsewhere');
      userId = byEmail.id;
    } else {
      const [u] = await tx
        .insert(users)
        .values({
          email: who.email,
          displayName: who.displayName,
          passwordHash: null,
          isAdmin: false,
          webauthnUserId: randomToken(16),
        })
        .returning();
      userId = u!.id;
      await w.audit({
        action: 'user.create',
        resourceType: 'user',
        resourceId: userId,
        groupId: null,
        sideId: null,
        marking: 'shared',
        after: { id: userId, email: who.email, displayName: who.displayName, isAdmin: false, providerId: p.id },
      });
    }
  }
  const [u] = await tx.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, userId));
  if (u?.disabledAt) throw new SignInRefused('account_disabled');

  const sealed = (id: string) => (refreshToken ? sealRefreshToken(ctx.secrets(), id, refreshToken) : null);
  if (link) {
    await tx
      .update(identityLinks)
      .set({ refreshToken: sealed(link.id), revokedAt: null, lastCheckedAt: new Date() })
      .where(eq(identityLinks.id, link.id));
    // The link's new refresh token is a change too; without an entry a sign-in that changes nothing else fails.
    await w.audit({
      action: 'identity.refresh_link',
      resourceType: 'user',
      resourceId: userId,
      groupId: null,
      sideId: null,
      marking: 'shared',
      after: { providerId: p.id, subject: who.subject },
    });
  } else {
    const [row] = await tx
      .insert(identityLinks)
      .values({ userId, providerId: p.id, subject: who.subject, lastCheckedAt: new Date() })
      .returning({ id: identityLinks.id });
    await tx
      .update(identityLinks)
      .set({ refreshToken: sealed(row!.id) })
      .where(eq(identityLinks.id, row!.id));
    await w.audit({
      action: 'identity.link',
      resourceType: 'user',
      resourceId: userId,
      groupId: null,
      sideId: null,
      marking: 'shared',
      after: { providerId: p.id, subject: who.subject },
    });
  }
  for (const side of bound) await seat(ctx, w, userId, side, who);
  return userId;
}

/** Puts the person into one bound side, or brings their seat there in line with the provider's claims. */
async function seat(
  app: AppContext,
  w: WriteScope,
  userId: string,
  side: { sideId: string; groupId: string; kind: 'group' | 'track'; parentGroupId: string | null },
  who: VerifiedIdentity,
) {
  const group = { id: side.groupId, kind: side.kind, parentGroupId: side.parentGroupId };
  const ctx = w.nested(app);
  const agencyId = who.agency ? await agencyNamed(app, w, group, side.sideId, who.agency) : null;
  const [mine] = await w.tx
    .select()
    .from(memberships)
    .where(and(eq(memberships.groupId, side.groupId), eq(memberships.userId, userId)));
  if (!mine) {
    await addMembership(ctx, null, group, {
      userId,
      sideId: side.sideId,
      role: who.role ?? 'member',
      agencyId,
      title: '',
      marking: 'shared',
    });
    return;
  }
  // A seat on the other side of the same group is left alone: this provider does not speak for that side.
  if (mine.sideId !== side.sideId) return;
  const patch = {
    ...(who.role && who.role !== mine.role ? { role: who.role } : {}),
    ...(agencyId && agencyId !== mine.agencyId ? { agencyId } : {}),
  };
  if (Object.keys(patch).length > 0) await updateMembership(ctx, null, group, mine.id, patch);
}

async function agencyNamed(
  app: AppContext,
  w: WriteScope,
  group: { id: string; kind: 'group' | 'track'; parentGroupId: string | null },
  sideId: string,
  name: string,
): Promise<string> {
  const [found] = await w.tx
    .select({ id: agencies.id })
    .from(agencies)
    .where(and(eq(agencies.sideId, sideId), sql`lower(${agencies.name}) = ${name.toLowerCase()}`));
  if (found) return found.id;
  const a = await createAgency(w.nested(app), null, group, sideId, { name, marking: 'shared' });
  return a.id;
}
