import type { AddressInfo } from 'node:net';
import { mlsContext } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../modules/auth/schema.js';
import { resolveContext } from '../modules/keys/contexts.js';
import { factsOfUsers } from '../modules/keys/mls-queries.js';
import { createMlsGroup } from '../modules/keys/mls-service.js';
import { newDevice } from '../modules/keys/test-support/fixtures.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { TestSocket } from '../test-support/socket.js';
import { buildWorld, sessionCookieFor, signedInSession, type World } from '../test-support/world.js';
import { FACTS_TTL_MS } from './facts-cache.js';

let t: TestApp;
let w: World;
let base: string;
let topic: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/ws`;
  const set = await (await w.client('admin')).patch(`/api/groups/${w.group.id}`, { chairStepUp: true });
  expect(set.statusCode, set.body).toBe(200);
  // The back channel, with a device of chairA in it, as their browser would have made it.
  const context = mlsContext({ kind: 'backchannel', groupId: w.group.id, sideIds: [w.sideA, w.sideB] });
  const scope = (await resolveContext(t.ctx.db, context))!;
  const actor = (await factsOfUsers(t.ctx.db, [w.users.chairA.id])).get(w.users.chairA.id)!;
  const deviceId = await newDevice(t.ctx, w.users.chairA.id);
  const group = await createMlsGroup(t.ctx, actor, scope, {
    context,
    deviceId,
    cipherSuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  });
  topic = `mls:${group.id}`;
});
afterAll(() => t.close());

describe('the realtime socket and the chair step-up', () => {
  it('opens the back channel to a chair who signed in with a password', async () => {
    const s = await TestSocket.open(base, await sessionCookieFor(t.ctx, w.users.chairA.id));
    expect(await s.askFor(topic)).toMatchObject({ type: 'subscribed' });
    s.close();
  });

  it('keeps it from a session that owes the step-up, and opens it once the step-up is done, on the same socket', async () => {
    // A session of chairA as an identity provider's sign-in leaves it: owing the group's chair step-up.
    const session = await signedInSession(t.ctx, w.users.chairA.id, 'oidc');
    const s = await TestSocket.open(base, session.cookie);
    expect(await s.askFor(topic)).toMatchObject({ type: 'error', code: 'forbidden' });
    // The step-up happens in another request (a passkey or an authenticator code); the socket stays open.
    await t.ctx.db.update(sessions).set({ steppedUpAt: new Date() }).where(eq(sessions.id, session.id));
    await new Promise((r) => setTimeout(r, FACTS_TTL_MS + 200));
    expect(await s.askFor(topic)).toMatchObject({ type: 'subscribed' });
    s.close();
  });
});
