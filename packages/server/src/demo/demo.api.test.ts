import { randomUUID } from 'node:crypto';
import { type FloorState, type InterpretationState, type MeetingDetail, mlsContext } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InjectClient } from '../lib/inject-client.js';
import { verifyAuditChain } from '../modules/audit/chain.js';
import { exportInstance } from '../ops/export.js';
import { MlsDevice } from '../ops/mls-device.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { loadDemo } from './load.js';
import { DEMO_PASSWORD } from './people.js';

let t: TestApp;
let logins: Awaited<ReturnType<typeof loadDemo>>;
beforeAll(async () => {
  t = await createTestApp();
  logins = await loadDemo(t.app, t.ctx);
}, 180_000);
afterAll(() => t.close());

const as = (email: string) => new InjectClient(t.app).login(email, DEMO_PASSWORD);

describe('the demo group', () => {
  it('has a French- and a Hebrew-speaking delegate, chosen in their profiles; the others follow their browser', async () => {
    const language = async (email: string) => (await (await as(email)).get('/api/auth/me')).json().user.language;
    expect(await language('ines.kovac@aldoria.example')).toBe('fr');
    expect(await language('leila.haddad@belmora.example')).toBe('he');
    expect(await language('helena.varga@aldoria.example')).toBe('system');
  });

  it('has two chairs and 3–4 experts per side, all able to sign in', async () => {
    expect(logins.length).toBe(13);
    const helena = await as('helena.varga@aldoria.example');
    const [group] = (await helena.get('/api/groups')).json().groups;
    expect(group.name).toBe('Strategic Consultative Group');
    const roster = (await helena.get(`/api/groups/${group.id}/roster`)).json();
    for (const side of roster.sides) {
      const people = side.agencies.flatMap((a: { roles: { role: string; members: unknown[] }[] }) => a.roles);
      expect(
        people.filter((r: { role: string }) => r.role === 'chair').flatMap((r: { members: unknown[] }) => r.members),
      ).toHaveLength(2);
      expect(
        people.filter((r: { role: string }) => r.role === 'member').flatMap((r: { members: unknown[] }) => r.members)
          .length,
      ).toBeGreaterThanOrEqual(3);
    }
  });

  it('tells the story in the meeting history, newest last', async () => {
    const amara = await as('amara.okafor@belmora.example');
    const [group] = (await amara.get('/api/groups')).json().groups.filter((g: { kind: string }) => g.kind === 'group');
    const meetings = (await amara.get(`/api/groups/${group.id}/meetings`)).json().meetings;
    const round = meetings.find((m: { title: string }) => m.title === 'Fourth round of consultations');
    const detail = (await amara.get(`/api/meetings/${round.id}`)).json() as MeetingDetail;
    expect(detail.meeting.status).toBe('held');
    expect(detail.meeting.format).toBe('video');
    const kinds = detail.history.map((e) => e.kind);
    expect(kinds).toEqual([
      'planned',
      'cancelled',
      're_requested',
      'rescheduled',
      'format_changed',
      'started',
      'ended',
    ]);
    // Aldoria's side-only agenda item never reaches Belmora.
    expect(JSON.stringify(detail)).not.toContain('Aldoria caucus');
  });

  it('publishes the joint statement and both readouts on the public page', async () => {
    const page = await t.app.inject('/statements');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('fourth round of the Strategic Consultative Group');
    expect(page.body).toContain('Readout of the Republic of Aldoria');
    expect(page.body).toContain('Readout of the Commonwealth of Belmora');
    const feed = await t.app.inject('/statements/feed.atom');
    expect(feed.body).toContain('<feed');
    // The statement is published in English and French, side by side.
    const id = /href="\/statements\/([0-9a-f-]{36})">Joint statement/.exec(page.body)?.[1];
    const statement = await t.app.inject(`/statements/${id}`);
    expect(statement.body).toContain('<section class="text" lang="en" dir="ltr">');
    expect(statement.body).toContain('<section class="text" lang="fr" dir="ltr">');
    expect(statement.body).toContain('quatrième cycle du Groupe consultatif stratégique');
  });

  it('keeps the quiet re-request in the back channel as ciphertext only, linked from the history', async () => {
    const amara = await as('amara.okafor@belmora.example');
    const [group] = (await amara.get('/api/groups')).json().groups.filter((g: { kind: string }) => g.kind === 'group');
    const meetings = (await amara.get(`/api/groups/${group.id}/meetings`)).json().meetings;
    const round = meetings.find((m: { title: string }) => m.title === 'Fourth round of consultations');
    const detail = (await amara.get(`/api/meetings/${round.id}`)).json() as MeetingDetail;
    const reRequest = detail.history.find((e) => e.kind === 're_requested') as {
      data?: Record<string, unknown>;
    } & object;
    expect(JSON.stringify(reRequest)).toContain('back_channel');
    const dump = JSON.stringify(await exportInstance(t.ctx.db));
    expect(dump).toContain('"kind":"application"');
    for (const text of ['after tomorrow', 'secure video instead of travelling', 'Video is fine for us']) {
      expect(dump).not.toContain(text);
      expect(dump).not.toContain(Buffer.from(text).toString('base64').slice(0, 16));
    }
    // The next round is planned by secure video, so the demo's chairs can start a call at once.
    expect(
      meetings.map((m: { title: string; format: string; status: string }) => `${m.title}|${m.format}|${m.status}`),
    ).toContain('Fifth round of consultations|video|planned');
  });

  it('has the fifth round’s speakers’ list ready: a name of each side down to speak, fifteen minutes a side', async () => {
    const chair = await as('amara.okafor@belmora.example');
    const [group] = (await chair.get('/api/groups')).json().groups.filter((g: { kind: string }) => g.kind === 'group');
    const meetings = (await chair.get(`/api/groups/${group.id}/meetings`)).json().meetings;
    const fifth = meetings.find((m: { title: string }) => m.title === 'Fifth round of consultations');
    const floor = (await chair.get(`/api/meetings/${fifth.id}/floor`)).json() as FloorState;
    expect(floor.queue.map((q) => q.displayName)).toEqual(['Ines Kovač', 'Leila Haddad']);
    expect(floor.sides.map((s) => s.allowanceSeconds)).toEqual([900, 900]);
    expect(floor).toMatchObject({ callRunning: false, speaker: null });
    const interp = (await chair.get(`/api/meetings/${fifth.id}/interpretation`)).json() as InterpretationState;
    expect(interp.interpreters).toEqual([
      expect.objectContaining({ displayName: 'Yuki Tanaka', from: 'en', to: 'fr' }),
    ]);
  });

  it('lets a chair’s first device join the back channel by itself, reading nothing said before it joined', async () => {
    const helena = await as('helena.varga@aldoria.example');
    const [group] = (await helena.get('/api/groups')).json().groups.filter((g: { kind: string }) => g.kind === 'group');
    const [a, b] = (group.sides as { id: string }[]).map((s) => s.id);
    const context = mlsContext({ kind: 'backchannel', groupId: group.id, sideIds: [a!, b!] });
    const thread = (await helena.get(`/api/mls/groups?context=${encodeURIComponent(context)}`)).json();
    // The loader's devices are gone (Amara's leaving, Helena's removed), but the last epoch's GroupInfo is there.
    expect(thread.members.map((m: { status: string }) => m.status)).toEqual(['leaving']);
    expect(thread.groupInfoEpoch).toBe(thread.epoch);
    // So nobody needs to start it anew.
    const userId = (await helena.get('/api/auth/me')).json().user.id as string;
    const device = await MlsDevice.register('Helena', helena, userId);
    const anew = await helena.post(`/api/mls/groups/${thread.id}/reestablish`, { deviceId: device.deviceId });
    expect(anew.statusCode).toBe(409);
    // Not the secretariat: the back channel is the chairs' alone.
    const jonas = await as('jonas.ebner@aldoria.example');
    expect((await jonas.get(`/api/mls/groups/${thread.id}/group-info`)).statusCode).toBe(404);
    const joined = await device.postExternalCommit(thread.id, await device.prepareExternalJoin(thread.id));
    expect(joined.status).toBe(201);
    expect(device.s.members().map((m) => m.deviceId)).toContain(device.deviceId);
    // Amara's loader device left with nobody to commit its Remove: its leaf, still in the tree, holds the keys of every
    // epoch to come until a member removes it. The server kept it due, and asks the joiner to commit the Remove.
    const loaderLeaf = thread.members.find((m: { status: string }) => m.status === 'leaving');
    expect(loaderLeaf).toMatchObject({ userId: expect.any(String), leafIndex: expect.any(Number) });
    expect(device.s.members().map((m) => m.deviceId)).toContain(loaderLeaf.deviceId);
    const due = (await helena.get(`/api/mls/groups/${thread.id}`)).json();
    expect(due.nominee).toMatchObject({ deviceId: device.deviceId, epoch: due.epoch });
    const removal = await device.s.prepareRemove([loaderLeaf.leafIndex]);
    expect((await device.postCommit(thread.id, removal, { removed: [loaderLeaf] })).status).toBe(201);
    expect(device.s.members().map((m) => m.deviceId)).toEqual([device.deviceId]);
    const after = (await helena.get(`/api/mls/groups/${thread.id}`)).json();
    expect(after.members.map((m: { deviceId: string }) => m.deviceId)).toEqual([device.deviceId]);
    expect(after.nominee).toBeNull();
    await device.sync(thread.id);
    expect(device.received).toEqual([]);
    const reply = await device.send(thread.id, JSON.stringify({ t: 'msg', id: randomUUID(), text: 'Helena again' }));
    expect(reply.status).toBe(201);
    // The demo's two messages are still stored, as ciphertext, in the same group.
    const dump = await exportInstance(t.ctx.db);
    const old = (dump.tables.mls_messages ?? []).filter(
      (m) => m.mls_group_id === thread.id && m.kind === 'application' && Number(m.seq) < Number(joined.body.seq),
    );
    expect(old.length).toBe(2);
  });

  it('records everything in an intact audit chain', async () => {
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });
});
