import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { randomToken, sha256Hex } from '../lib/crypto.js';
import { sessions } from '../modules/auth/schema.js';
import { createUser } from '../modules/auth/users.js';
import { addMembership, createAgency, createGroup, createSide } from '../modules/groups/service.js';
import type { GroupFacts } from '../policy/policy.js';
import { TestClient } from './app.js';

export const PASSWORD = 'correct horse battery staple';

export const PERSONAS = [
  'admin',
  'chairA',
  'memberA',
  'observerA',
  'chairB',
  'memberB',
  'outsider',
  'anonymous',
] as const;
export type Persona = (typeof PERSONAS)[number];

export interface World {
  ctx: AppContext;
  password: string;
  group: GroupFacts;
  sideA: string;
  sideB: string;
  agencyA: string;
  hiddenAgencyA: string;
  agencyB: string;
  users: Record<Exclude<Persona, 'anonymous'>, { id: string; email: string }>;
  /** A side-only delegate of side A that side B must never learn about. */
  hiddenMemberA: { id: string; membershipId: string; name: string };
  client(persona: Persona): Promise<TestClient>;
}

/** Two sides with every role the authorization matrix needs, written through the real services. */
export async function buildWorld(app: FastifyInstance, ctx: AppContext): Promise<World> {
  const mk = (key: string, isAdmin = false, displayName = key) =>
    createUser(ctx, null, { email: `${key.toLowerCase()}@test.parley`, displayName, password: PASSWORD, isAdmin });
  const admin = await mk('admin', true);
  const g = await createGroup(ctx, admin.id, {
    name: 'Test Group',
    description: '',
    kind: 'group',
    parentGroupId: null,
  });
  const group: GroupFacts = { id: g.id, kind: 'group', parentGroupId: null };
  const sideA = await createSide(ctx, admin.id, group, { name: 'Side A', shortCode: 'AAA', colour: '#224488' });
  const sideB = await createSide(ctx, admin.id, group, { name: 'Side B', shortCode: 'BBB', colour: '#884422' });
  const agencyA = await createAgency(ctx, admin.id, group, sideA.id, { name: 'Foreign Ministry A', marking: 'shared' });
  const hiddenAgencyA = await createAgency(ctx, admin.id, group, sideA.id, {
    name: 'Secret Service A',
    marking: 'side-only',
  });
  const agencyB = await createAgency(ctx, admin.id, group, sideB.id, { name: 'Foreign Ministry B', marking: 'shared' });
  const users = {} as World['users'];
  const add = async (
    key: Exclude<Persona, 'anonymous' | 'admin' | 'outsider'>,
    sideId: string,
    role: 'chair' | 'member' | 'observer',
    agencyId: string,
  ) => {
    const u = await mk(key);
    await addMembership(ctx, admin.id, group, {
      userId: u.id,
      sideId,
      role,
      agencyId,
      title: `${role} title`,
      marking: 'shared',
    });
    users[key] = { id: u.id, email: u.email };
  };
  users.admin = { id: admin.id, email: admin.email };
  await add('chairA', sideA.id, 'chair', agencyA.id);
  await add('memberA', sideA.id, 'member', agencyA.id);
  await add('observerA', sideA.id, 'observer', agencyA.id);
  await add('chairB', sideB.id, 'chair', agencyB.id);
  await add('memberB', sideB.id, 'member', agencyB.id);
  const outsider = await mk('outsider');
  users.outsider = { id: outsider.id, email: outsider.email };
  const hidden = await mk('hiddenA', false, 'Zelda Hiddenname');
  const hm = await addMembership(ctx, admin.id, group, {
    userId: hidden.id,
    sideId: sideA.id,
    role: 'member',
    agencyId: hiddenAgencyA.id,
    title: 'Analyst',
    marking: 'side-only',
  });
  return {
    ctx,
    password: PASSWORD,
    group,
    sideA: sideA.id,
    sideB: sideB.id,
    agencyA: agencyA.id,
    hiddenAgencyA: hiddenAgencyA.id,
    agencyB: agencyB.id,
    users,
    hiddenMemberA: { id: hidden.id, membershipId: hm.id, name: 'Zelda Hiddenname' },
    client: async (persona) => {
      const c = new TestClient(app);
      if (persona !== 'anonymous') c.cookie = await sessionCookieFor(ctx, users[persona].id);
      return c;
    },
  };
}

/**
 * A signed-in session without the cost of argon2 per request; the login route has its own tests. `method: 'oidc'` is
 * the session an identity provider's sign-in leaves, which may owe a group's chair step-up.
 */
export async function signedInSession(
  ctx: AppContext,
  userId: string,
  method: 'local' | 'oidc' = 'local',
): Promise<{ id: string; cookie: string }> {
  const token = randomToken();
  const [row] = await ctx.db
    .insert(sessions)
    .values({ tokenHash: sha256Hex(token), userId, stage: 'full', method, expiresAt: new Date(Date.now() + 3_600_000) })
    .returning({ id: sessions.id });
  return { id: row!.id, cookie: `parley_session=${token}` };
}

export async function sessionCookieFor(ctx: AppContext, userId: string): Promise<string> {
  return (await signedInSession(ctx, userId)).cookie;
}
