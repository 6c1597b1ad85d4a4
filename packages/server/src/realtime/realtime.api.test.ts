import type { AddressInfo } from 'node:net';
import { CallClientMessage, type ServerMessage } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestApp, TEST_ORIGIN, type TestApp } from '../test-support/app.js';
import { TestSocket } from '../test-support/socket.js';
import { buildWorld, sessionCookieFor, type World } from '../test-support/world.js';

let t: TestApp;
let w: World;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/ws`;
});
afterAll(() => t.close());

/** Opens a socket as `persona`; `atOpen` is sent the moment it opens, before the server's hello, as browsers do. */
async function open(
  persona: 'chairA' | 'chairB' | 'outsider',
  origin = TEST_ORIGIN,
  atOpen: object[] = [],
): Promise<TestSocket> {
  return TestSocket.open(base, await sessionCookieFor(t.ctx, w.users[persona].id), { origin, atOpen });
}

describe('realtime', () => {
  it('refuses an upgrade from a foreign origin', async () => {
    const cookie = await sessionCookieFor(t.ctx, w.users.chairA.id);
    const ws = new WebSocket(base, { headers: { cookie, origin: 'https://evil.example' } });
    ws.on('error', () => {});
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      }),
    );
    expect(status).toBe(403);
  });

  it('checks subscriptions with the policy', async () => {
    const o = await open('outsider');
    o.ws.send(JSON.stringify({ type: 'subscribe', topic: `group:${w.group.id}`, requestId: 'r1' }));
    expect(await o.next((m) => 'requestId' in m && m.requestId === 'r1')).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    o.ws.send(JSON.stringify({ type: 'subscribe', topic: 'nonsense' }));
    expect(await o.next((m) => m.type === 'error' && String(m.message).includes('topic'))).toBeTruthy();
    o.ws.close();
  });

  it('answers a subscription sent the moment the socket opens, and delivers on it', async () => {
    const topic = `group:${w.group.id}`;
    const a = await open('chairA', TEST_ORIGIN, [{ type: 'subscribe', topic, requestId: 'early' }]);
    expect(await a.next((m) => 'requestId' in m && m.requestId === 'early')).toMatchObject({ type: 'subscribed' });
    const chairA = await w.client('chairA');
    const made = (await chairA.post(`/api/groups/${w.group.id}/sides/${w.sideA}/agencies`, { name: 'Trade A' })).json();
    await a.next((m) => m.type === 'event' && m.event.resourceId === made.id);
    a.ws.close();
  });

  it('delivers shared events to both sides and side-only events to their own side only', async () => {
    const a = await open('chairA');
    const b = await open('chairB');
    for (const s of [a, b]) {
      s.ws.send(JSON.stringify({ type: 'subscribe', topic: `group:${w.group.id}`, requestId: 's' }));
      await s.next((m) => m.type === 'subscribed');
    }
    const chairA = await w.client('chairA');
    const hidden = (
      await chairA.post(`/api/groups/${w.group.id}/sides/${w.sideA}/agencies`, {
        name: 'Cyber Unit A',
        marking: 'side-only',
      })
    ).json();
    const shared = (
      await chairA.post(`/api/groups/${w.group.id}/sides/${w.sideA}/agencies`, { name: 'Energy A' })
    ).json();
    const isFor = (id: string) => (m: ServerMessage) => m.type === 'event' && m.event.resourceId === id;
    await a.next(isFor(hidden.id));
    await a.next(isFor(shared.id));
    // B's shared event arrives after the hidden one would have; so if B had been sent the hidden one, it is here now.
    await b.next(isFor(shared.id));
    expect(b.messages.some(isFor(hidden.id))).toBe(false);
    expect(JSON.stringify(b.messages)).not.toContain(hidden.id);
    a.ws.close();
    b.ws.close();
  });

  it("hands a module's messages to the handler it registered, checked by its schema and within its size", async () => {
    const a = await open('chairA');
    const meetingId = '00000000-0000-4000-8000-000000000001';
    // The calls module registered `call.*`: it answers for a meeting that does not exist.
    a.ws.send(JSON.stringify({ type: 'call.join', meetingId, requestId: 'j' }));
    expect(await a.next((m) => 'requestId' in m && m.requestId === 'j')).toMatchObject({
      type: 'call.error',
      code: 'not_found',
    });
    a.ws.send(JSON.stringify({ type: 'call.join', meetingId: 'nope' }));
    expect(await a.next((m) => m.type === 'error')).toMatchObject({ message: 'invalid field: meetingId' });
    // Call signalling may be larger than the socket's own messages.
    const sdp = 'a=x\r\n'.repeat(5_000);
    const publish = { type: 'call.publish', meetingId, stream: 'main', jsep: { type: 'offer', sdp } };
    a.ws.send(JSON.stringify({ ...publish, requestId: 'p' }));
    expect(await a.next((m) => 'requestId' in m && m.requestId === 'p')).toMatchObject({
      type: 'call.error',
      code: 'not_found',
    });
    a.ws.send(JSON.stringify({ type: 'ping', requestId: 'x'.repeat(20_000) }));
    expect(await a.next((m) => m.type === 'error' && String(m.message).includes('KiB'))).toMatchObject({
      message: 'text JSON up to 16 KiB',
    });
    a.ws.close();
    expect(() => t.ctx.hub.registerMessages(CallClientMessage, async () => {})).toThrow(/already handled/);
  });
});
