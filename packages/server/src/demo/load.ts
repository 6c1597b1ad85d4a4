import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { InjectClient } from '../lib/inject-client.js';
import { findUserByEmail } from '../modules/auth/queries.js';
import { createUser } from '../modules/auth/users.js';
import { DEMO_ADMIN, DEMO_GROUP, DEMO_PASSWORD, DEMO_SIDES } from './people.js';
import { tellDemoStory } from './story.js';

export interface DemoLogin {
  email: string;
  password: string;
  who: string;
}

async function expectOk<T>(label: string, res: { statusCode: number; body: string; json(): unknown }): Promise<T> {
  if (res.statusCode >= 300) throw new Error(`demo: ${label} failed with ${res.statusCode}: ${res.body}`);
  return res.json() as T;
}

/**
 * Loads the demo group through the real HTTP API (in-process inject), so it exercises the same validation,
 * policy and audit paths as a person would: the operator creates accounts, group and sides, then each side's
 * chair sets up their own agencies and delegation.
 */
export async function loadDemo(app: FastifyInstance, ctx: AppContext): Promise<DemoLogin[]> {
  const origin = ctx.config.allowedOrigins[0] ?? ctx.config.publicUrl;
  // There is no API to create the very first administrator; everything after this goes through HTTP.
  if (!(await findUserByEmail(ctx.db, DEMO_ADMIN.email))) {
    await createUser(ctx, null, { ...DEMO_ADMIN, password: DEMO_PASSWORD, isAdmin: true });
  }
  const admin = await new InjectClient(app, origin).login(DEMO_ADMIN.email, DEMO_PASSWORD);
  const group = await expectOk<{ id: string }>('create group', await admin.post('/api/groups', DEMO_GROUP));
  const logins: DemoLogin[] = [{ email: DEMO_ADMIN.email, password: DEMO_PASSWORD, who: DEMO_ADMIN.displayName }];
  const sideIds: Record<string, string> = {};
  const userIdsByEmail = new Map<string, string>();
  const clients = new Map<string, Promise<InjectClient>>();
  const as = (email: string) => {
    let c = clients.get(email);
    if (!c) {
      c = new InjectClient(app, origin).login(email, DEMO_PASSWORD);
      clients.set(email, c);
    }
    return c;
  };
  for (const s of DEMO_SIDES) {
    const side = await expectOk<{ id: string }>(
      `create side ${s.shortCode}`,
      await admin.post(`/api/groups/${group.id}/sides`, { name: s.name, shortCode: s.shortCode, colour: s.colour }),
    );
    for (const p of s.people) {
      const u = await expectOk<{ id: string }>(
        `create user ${p.email}`,
        await admin.post('/api/admin/users', { email: p.email, displayName: p.displayName, password: DEMO_PASSWORD }),
      );
      userIdsByEmail.set(p.email, u.id);
      if (p.language) {
        await expectOk(
          `language of ${p.email}`,
          await (await as(p.email)).put('/api/account/language', { language: p.language }),
        );
      }
    }
    const [firstChair] = s.people.filter((p) => p.role === 'chair');
    if (!firstChair) throw new Error(`demo: side ${s.shortCode} has no chair`);
    const chairMembership = await expectOk<{ id: string }>(
      `add chair ${firstChair.email}`,
      await admin.post(`/api/groups/${group.id}/memberships`, {
        email: firstChair.email,
        sideId: side.id,
        role: 'chair',
        title: firstChair.title,
      }),
    );
    sideIds[s.shortCode] = side.id;
    const chair = await as(firstChair.email);
    const agencyIds = new Map<string, string>();
    for (const a of s.agencies) {
      const created = await expectOk<{ id: string }>(
        `agency ${a.name}`,
        await chair.post(`/api/groups/${group.id}/sides/${side.id}/agencies`, a),
      );
      agencyIds.set(a.name, created.id);
    }
    // The chair could only be placed in an agency once their side had set its agencies up.
    await expectOk(
      'place chair',
      await chair.patch(`/api/groups/${group.id}/memberships/${chairMembership.id}`, {
        agencyId: agencyIds.get(firstChair.agency),
      }),
    );
    for (const p of s.people) {
      if (p === firstChair) continue;
      const agency = s.agencies.find((a) => a.name === p.agency);
      await expectOk(
        `add ${p.email}`,
        await chair.post(`/api/groups/${group.id}/memberships`, {
          email: p.email,
          sideId: side.id,
          role: p.role,
          title: p.title,
          agencyId: agencyIds.get(p.agency) ?? null,
          // A delegate of a side-only agency is side-only as well.
          marking: agency?.marking ?? 'shared',
        }),
      );
    }
    for (const p of s.people)
      logins.push({
        email: p.email,
        password: DEMO_PASSWORD,
        who: `${p.displayName}, ${p.title} (${s.shortCode}, ${p.role})`,
      });
  }
  await tellDemoStory(ctx, as, {
    groupId: group.id,
    sides: { ALD: sideIds.ALD!, BEL: sideIds.BEL! },
    users: {
      aldChair: userIdsByEmail.get('helena.varga@aldoria.example')!,
      belChair: userIdsByEmail.get('amara.okafor@belmora.example')!,
    },
  });
  return logins;
}
