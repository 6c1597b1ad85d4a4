import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportInstance } from '../../ops/export.js';
import { createTestApp, type TestApp, TestClient } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { users } from '../auth/schema.js';
import { memberships } from '../groups/schema.js';
import { checkIdentityLinks } from './deprovisioning.js';
import { redirectUri } from './oidc-client.js';
import { identityFlows, identityLinks, identityProviders } from './schema.js';
import { signInThrough } from './test-support/browserless-sign-in.js';
import { startProviderProcess } from './test-support/provider-process.js';
import { startTestProvider, type TestAccount, type TestProvider } from './test-support/test-provider.js';

/** Two real OpenID Connect providers, one per side, against the real app. */
let t: TestApp;
let w: World;
let admin: TestClient;
let ministryA: TestProvider;
let ministryB: TestProvider;
let stray: TestProvider;
const ids: Record<string, string> = {};
/** HS256 needs a secret at least as long as its hash. */
const SYMMETRIC_SECRET = 'a symmetric secret long enough for HS256 signatures';

const person = (login: string, extra: Partial<TestAccount> = {}): TestAccount => ({
  login,
  password: `pw-${login}`,
  email: `${login}@home.example`,
  emailVerified: true,
  name: `Person ${login}`,
  ...extra,
});

async function register(
  name: string,
  p: Pick<TestProvider, 'issuer'>,
  extra: Record<string, unknown> = {},
  issuer = p.issuer,
) {
  const res = await admin.post('/api/admin/identity-providers', {
    name,
    issuer,
    clientId: 'parley',
    clientSecret: `secret-${name}`,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** Everything stored except sessions and the sign-in ceremonies themselves. */
const snapshot = async () => {
  const { tables } = await exportInstance(t.ctx.db);
  delete tables.sessions;
  delete tables.identity_flows;
  return JSON.stringify(tables);
};

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  admin = await w.client('admin');
  const common = { clientId: 'parley', redirectUri: redirectUri(t.ctx) };
  ministryA = await startTestProvider({
    ...common,
    clientSecret: 'secret-Ministry A',
    accounts: [
      person('anna', { agency: 'Foreign Ministry A', groups: ['parley-chairs'] }),
      person('arno', { agency: 'Trade Office A', groups: ['staff'] }),
      person('unverified', { emailVerified: false }),
      person('impostor', { email: w.users.chairB.email }),
      person('gone'),
    ],
  });
  ministryB = await startTestProvider({
    ...common,
    clientSecret: 'secret-Ministry B',
    accounts: [person('bert', { groups: ['observers'] })],
  });
  stray = await startTestProvider({ ...common, clientSecret: 'secret-Stray', accounts: [person('sam')] });
  ids.a = await register('Ministry A', ministryA, {
    agencyClaim: 'agency',
    roleClaim: 'groups',
    roleMap: { chair: 'parley-chairs', observer: 'observers' },
  });
  ids.b = await register('Ministry B', ministryB, { roleClaim: 'groups', roleMap: { observer: 'observers' } });
  ids.stray = await register('Stray', stray);
  for (const [side, id] of [
    [w.sideA, ids.a],
    [w.sideB, ids.b],
  ] as const) {
    const res = await admin.put(`/api/groups/${w.group.id}/sides/${side}/identity-provider`, { providerId: id });
    expect(res.statusCode, res.body).toBe(200);
  }
}, 180_000);
afterAll(async () => {
  await t.close();
  await Promise.all([ministryA.close(), ministryB.close(), stray.close()]);
});

async function seatOf(email: string) {
  const [u] = await t.ctx.db.select().from(users).where(eq(users.email, email));
  if (!u) return null;
  const [m] = await t.ctx.db.select().from(memberships).where(eq(memberships.userId, u.id));
  return { user: u, membership: m ?? null };
}

describe('sign-in through a side’s identity provider', () => {
  it('keeps the client secret sealed and never answers it', async () => {
    const [row] = await t.ctx.db.select().from(identityProviders).where(eq(identityProviders.id, ids.a!));
    expect(row!.clientSecret).toMatch(/^sealed:v1:/);
    const list = await admin.get('/api/admin/identity-providers');
    expect(list.body).not.toContain('secret-Ministry A');
    expect(list.json().providers.find((p: { id: string }) => p.id === ids.a).boundSides).toEqual([
      { groupId: w.group.id, sideId: w.sideA, label: 'Test Group — Side A' },
    ]);
    const anon = await new TestClient(t.app).get('/api/auth/providers');
    expect(anon.json().providers.map((p: { name: string }) => p.name)).toEqual(['Ministry A', 'Ministry B', 'Stray']);
  });

  it('creates the account of a delegate of each side and seats each in their own side, role and agency from claims', async () => {
    const a = await signInThrough(t.app, ids.a!, 'anna', 'pw-anna');
    expect(a.location).toBe('/');
    expect(a.session).not.toBeNull();
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: a.session! } });
    expect(me.json().user.email).toBe('anna@home.example');
    const anna = await seatOf('anna@home.example');
    expect(anna!.user.passwordHash).toBeNull();
    expect(anna!.membership).toMatchObject({ sideId: w.sideA, role: 'chair', agencyId: w.agencyA });

    const arno = await signInThrough(t.app, ids.a!, 'arno', 'pw-arno');
    expect(arno.location).toBe('/');
    const arnoSeat = await seatOf('arno@home.example');
    expect(arnoSeat!.membership).toMatchObject({ sideId: w.sideA, role: 'member' });
    expect(arnoSeat!.membership!.agencyId).not.toBe(w.agencyA);

    const b = await signInThrough(t.app, ids.b!, 'bert', 'pw-bert');
    expect(b.location).toBe('/');
    expect((await seatOf('bert@home.example'))!.membership).toMatchObject({ sideId: w.sideB, role: 'observer' });
  });

  it('signs the same person in again by subject, and follows a role change at the provider', async () => {
    ministryA.accounts.get('arno')!.groups = ['parley-chairs'];
    const again = await signInThrough(t.app, ids.a!, 'arno', 'pw-arno');
    expect(again.location).toBe('/');
    const links = await t.ctx.db.select().from(identityLinks).where(eq(identityLinks.subject, 'arno'));
    expect(links).toHaveLength(1);
    expect(links[0]!.refreshToken).toMatch(/^sealed:v1:/);
    expect((await seatOf('arno@home.example'))!.membership!.role).toBe('chair');
  });

  it('links an existing account by verified email when it sits only in the provider’s side', async () => {
    const res = await signInThrough(t.app, ids.a!, 'memberA-at-home', 'x', {});
    expect(res.providerRefused).toBe(true);
    ministryA.accounts.set('memberA', person('memberA', { email: w.users.memberA.email }));
    const linked = await signInThrough(t.app, ids.a!, 'memberA', 'pw-memberA');
    expect(linked.location).toBe('/');
    const [l] = await t.ctx.db.select().from(identityLinks).where(eq(identityLinks.subject, 'memberA'));
    expect(l!.userId).toBe(w.users.memberA.id);
  });

  describe('refusals leave nothing stored', () => {
    let before: string;
    beforeAll(async () => {
      before = await snapshot();
    });

    const refusals: [string, () => Promise<{ location: string; session: string | null }>, string][] = [
      ['an unverified email', () => signInThrough(t.app, ids.a!, 'unverified', 'pw-unverified'), 'email_unverified'],
      [
        'an email of the other side’s account',
        () => signInThrough(t.app, ids.a!, 'impostor', 'pw-impostor'),
        'account_elsewhere',
      ],
      ['a provider bound to no side', () => signInThrough(t.app, ids.stray!, 'sam', 'pw-sam'), 'not_bound'],
      [
        'a state that is not the one this browser started with',
        () => signInThrough(t.app, ids.a!, 'gone', 'pw-gone', { tamper: (u) => u.searchParams.set('state', 'forged') }),
        'state_mismatch',
      ],
      [
        'a wrong issuer in the answer',
        () =>
          signInThrough(t.app, ids.a!, 'gone', 'pw-gone', {
            tamper: (u) => u.searchParams.set('iss', ministryB.issuer),
          }),
        'wrong_issuer',
      ],
      [
        'an ID token whose nonce is not the one asked for',
        () =>
          signInThrough(t.app, ids.a!, 'gone', 'pw-gone', {
            beforeCallback: async () => {
              await t.ctx.db.update(identityFlows).set({ nonce: 'not-the-nonce' });
            },
          }),
        'token_invalid',
      ],
      [
        'a code already used or forged',
        () =>
          signInThrough(t.app, ids.a!, 'gone', 'pw-gone', { tamper: (u) => u.searchParams.set('code', 'forged-code') }),
        'token_invalid',
      ],
    ];
    for (const [what, run, code] of refusals) {
      it(`refuses ${what}`, async () => {
        const res = await run();
        expect(res.location).toBe(`/sign-in?oidc_error=${code}`);
        expect(res.session).toBeNull();
        expect(await snapshot()).toBe(before);
      });
    }

    it('refuses a provider registered under another issuer than it names itself', async () => {
      const id = await register('Misspelt', ministryB, {}, ministryB.issuer.replace('127.0.0.1', 'localhost'));
      const mid = await snapshot();
      const res = await signInThrough(t.app, id, 'bert', 'pw-bert');
      expect(res.location).toBe('/sign-in?oidc_error=wrong_issuer');
      expect(await snapshot()).toBe(mid);
      expect((await admin.delete(`/api/admin/identity-providers/${id}`)).statusCode).toBe(200);
    });

    it('refuses an ID token not signed with the provider’s published key (HS256)', async () => {
      const hs = await startTestProvider({
        clientId: 'parley',
        clientSecret: SYMMETRIC_SECRET,
        redirectUri: redirectUri(t.ctx),
        accounts: [person('hana')],
        idTokenAlg: 'HS256',
      });
      try {
        const id = await register('Symmetric', hs, { clientSecret: SYMMETRIC_SECRET });
        await admin.put(`/api/groups/${w.group.id}/sides/${w.sideA}/identity-provider`, { providerId: id });
        const mid = await snapshot();
        const res = await signInThrough(t.app, id, 'hana', 'pw-hana');
        expect(res.location).toBe('/sign-in?oidc_error=token_invalid');
        expect(await snapshot()).toBe(mid);
      } finally {
        await admin.put(`/api/groups/${w.group.id}/sides/${w.sideA}/identity-provider`, { providerId: ids.a });
        await hs.close();
      }
    });

    it('refuses an ID token that had expired when it arrived (a provider whose clock is two hours behind)', async () => {
      const late = await startProviderProcess({
        clientId: 'parley',
        clientSecret: 'secret-Late',
        redirectUri: redirectUri(t.ctx),
        accounts: [person('lena')],
        clockSkewSeconds: -2 * 3600,
      });
      try {
        const id = await register('Late', late);
        await admin.put(`/api/groups/${w.group.id}/sides/${w.sideA}/identity-provider`, { providerId: id });
        const mid = await snapshot();
        const res = await signInThrough(t.app, id, 'lena', 'pw-lena');
        expect(res.location).toBe('/sign-in?oidc_error=token_invalid');
        expect(res.session).toBeNull();
        expect(await snapshot()).toBe(mid);
      } finally {
        await admin.put(`/api/groups/${w.group.id}/sides/${w.sideA}/identity-provider`, { providerId: ids.a });
        await late.stop();
      }
    });
  });

  it('ends the sessions of a person removed at their provider at the next check, and they cannot sign in again', async () => {
    const first = await signInThrough(t.app, ids.a!, 'gone', 'pw-gone');
    expect(first.location).toBe('/');
    const me = () => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: first.session! } });
    expect((await me()).json().user.email).toBe('gone@home.example');

    const still = await checkIdentityLinks(t.ctx);
    expect(still.revoked).toEqual([]);
    expect((await me()).json().user.email).toBe('gone@home.example');

    ministryA.accounts.delete('gone');
    const report = await checkIdentityLinks(t.ctx);
    expect(report.revoked).toHaveLength(1);
    expect((await me()).json().user).toBeNull();
    const [link] = await t.ctx.db.select().from(identityLinks).where(eq(identityLinks.subject, 'gone'));
    expect(link!.revokedAt).not.toBeNull();
    expect(link!.refreshToken).toBeNull();

    const again = await signInThrough(t.app, ids.a!, 'gone', 'pw-gone');
    expect(again.providerRefused).toBe(true);
    expect(again.session).toBeNull();
  });
});
