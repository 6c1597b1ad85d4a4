import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { MeetingFormat } from '@parley/protocol';
import type { BuildOptions } from '../../../app.js';
import { createTestApp, type TestApp, type TestClient } from '../../../test-support/app.js';
import { buildWorld, type Persona, sessionCookieFor, type World } from '../../../test-support/world.js';
import * as meetings from '../../meetings/service.js';
import { chairA, slot, unique } from '../../meetings/test-support/fixtures.js';
import type { CallManager } from '../manager.js';
import { callManagerOf } from '../runtime.js';
import { CallClient } from './call-client.js';

export interface Harness {
  t: TestApp;
  w: World;
  mgr: CallManager;
  http(persona: Persona): Promise<TestClient>;
  connect(persona: Exclude<Persona, 'anonymous'>, meetingId: string): Promise<CallClient>;
  meeting(o?: { format?: MeetingFormat; sideOnlyOf?: string }): Promise<string>;
  startCall(meetingId: string): Promise<void>;
  close(): Promise<void>;
}

/** The real app listening on a port, a world of two sides, and a real Janus. */
export async function callHarness(janus: NonNullable<BuildOptions['janus']> | true = true): Promise<Harness> {
  const t = await createTestApp({}, { janus });
  const w = await buildWorld(t.app, t.ctx);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  const mgr = callManagerOf(t.ctx)!;
  mgr.graceMs = 400;
  const clients: CallClient[] = [];
  return {
    t,
    w,
    mgr,
    http: (p) => w.client(p),
    connect: async (p, meetingId) => {
      const c = await CallClient.open(
        `ws://127.0.0.1:${port}/ws`,
        await sessionCookieFor(t.ctx, w.users[p].id),
        meetingId,
      );
      clients.push(c);
      return c;
    },
    meeting: async (o = {}) => {
      const s = slot(0.01);
      const format = o.format ?? 'video';
      const m = await meetings.createMeeting(t.ctx, chairA(w), w.group, {
        title: `Call ${unique()}`,
        format,
        location: format === 'video' ? '' : 'Hall',
        start: s.start,
        end: s.end,
        timeZone: 'UTC',
        marking: o.sideOnlyOf ? 'side-only' : 'shared',
        sideId: o.sideOnlyOf ?? null,
      });
      return m.id;
    },
    startCall: async (meetingId) => {
      const res = await (await w.client('chairA')).post(`/api/meetings/${meetingId}/call/start`);
      if (res.statusCode !== 201) throw new Error(`start: ${res.statusCode} ${res.body}`);
    },
    close: async () => {
      for (const c of clients) c.close();
      await t.close();
    },
  };
}

/** Registers a device for the person behind `client` through the real route; its id. */
export async function registerDevice(client: TestClient, userId: string): Promise<string> {
  const deviceId = randomUUID();
  const res = await client.post('/api/devices', {
    deviceId,
    signaturePublicKey: randomBytes(32).toString('base64'),
    credential: Buffer.from(`${userId}:${deviceId}`).toString('base64'),
    label: 'Test device',
  });
  if (res.statusCode !== 201) throw new Error(`device: ${res.statusCode} ${res.body}`);
  return deviceId;
}
