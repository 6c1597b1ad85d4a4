import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HubEvents } from '../../ops/hub-events.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { addMembership, createAgency, createGroup, createSide } from '../groups/service.js';
import { mlsRuntimeOf } from './runtime.js';
import { barrier, GroupMember } from './test-support/group-clients.js';

/**
 * Several devices, each running the one MLS group client of @parley/e2ee, against the real server: Delivery
 * Service over HTTP (inject, real PGlite), events from the server's realtime hub filtered as each user's socket
 * would see them. Sections cited are those of docs/call-keys.md.
 */
let t: TestApp;
let w: World;
let context: string;
const members: GroupMember[] = [];

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  // The fallback nominee (§6.2) is asked after this long, so a test need not wait the production timeout.
  mlsRuntimeOf(t.ctx).nominator.timeoutMs = 300;
});
afterAll(() => t.close());

/** Each test keys a group of its own: the same four delegates, two per side. */
beforeEach(async () => {
  const admin = w.users.admin.id;
  const g = await createGroup(t.ctx, admin, { name: 'Keys', description: '', kind: 'group', parentGroupId: null });
  const group = { id: g.id, kind: 'group' as const, parentGroupId: null };
  for (const [i, personas] of [['chairA', 'memberA'] as const, ['chairB', 'memberB'] as const].entries()) {
    const side = await createSide(t.ctx, admin, group, { name: `Side ${i}`, shortCode: `SD${i}`, colour: '#224488' });
    const agency = await createAgency(t.ctx, admin, group, side.id, { name: `Ministry ${i}`, marking: 'shared' });
    for (const p of personas)
      await addMembership(t.ctx, admin, group, {
        userId: w.users[p].id,
        sideId: side.id,
        role: p.startsWith('chair') ? 'chair' : 'member',
        agencyId: agency.id,
        title: p,
        marking: 'shared',
      });
  }
  context = `group:${g.id}`;
});
afterEach(() => {
  for (const m of members.splice(0)) m.close();
});

/** One registered device (with key packages at the server) per persona named, no client running yet. */
async function devices<const P extends ('chairA' | 'memberA' | 'chairB' | 'memberB')[]>(
  ...personas: P
): Promise<{ [K in keyof P]: GroupMember }> {
  for (const p of personas)
    members.push(await GroupMember.register(t.ctx, await w.client(p), w.users[p].id, p, context));
  return members.slice(-personas.length) as { [K in keyof P]: GroupMember };
}

const until = (what: string, ok: () => boolean | Promise<boolean>) =>
  vi.waitFor(
    async () => {
      if (!(await ok())) throw new Error(`still waiting: ${what}`);
    },
    { timeout: 20_000, interval: 50 },
  );

const inGroup = (m: GroupMember) => (m.session?.members() ?? []).map((x) => x.deviceId).sort();
const ids = (ms: GroupMember[]) => ms.map((m) => m.device.deviceId).sort();

/** Every one of `ms` is ready, in the same epoch with the same authenticator, and the group is exactly `ms`. */
function agreed(ms: GroupMember[]): boolean {
  const [first, ...rest] = ms;
  const s = first!.session;
  if (!s || first!.client.phase !== 'ready' || inGroup(first!).join() !== ids(ms).join()) return false;
  return rest.every(
    (m) =>
      m.client.phase === 'ready' &&
      m.session?.epoch === s.epoch &&
      Buffer.from(m.session.epochAuthenticator()).equals(Buffer.from(s.epochAuthenticator())) &&
      inGroup(m).join() === ids(ms).join(),
  );
}

async function serverMembers(by: GroupMember): Promise<string[]> {
  const group = await by.client.ds.group(by.client.groupId!);
  return group.members
    .filter((m) => m.status === 'active')
    .map((m) => m.deviceId)
    .sort();
}

/** `first` creates the group, then adds the others, who wait for their Welcome and then commit their path update. */
async function form(first: GroupMember, ...others: GroupMember[]): Promise<void> {
  await first.start();
  expect(first.client.phase).toBe('ready');
  for (const m of others) {
    await m.start();
    expect(m.client.phase).toBe('waiting-for-welcome');
    first.wants.add(m.device);
  }
  await first.addNow();
  // Each joiner commits its own path update after its Welcome (§5.3); a test that starts from a formed group must not
  // see those commits land in the middle of what it stages.
  await until(
    'everyone in one epoch, every path update in',
    () => agreed([first, ...others]) && others.every((m) => m.session?.needsPathUpdate === false),
  );
}

describe('the MLS group client against the real Delivery Service', () => {
  it('joins several devices, one after another, each from its Welcome with its path update (§5)', async () => {
    const [a, b, c, d] = await devices('chairA', 'memberA', 'chairB', 'memberB');
    await form(a, b, c);
    expect(a.joins).toEqual(['created@0']);
    expect(b.joins[0]).toMatch(/^welcomed@/);
    // A later joiner is added by a member that joined by Welcome itself.
    await d.start();
    b.wants.add(d.device);
    await b.addNow();
    // The Add's epoch is agreed for a moment before d's own path update moves everyone on (§5.3 item 6): wait for it,
    // or d's message may be sent one epoch ahead of what a has read so far.
    await until(
      "four in one epoch, d's path update in",
      () => agreed([a, b, c, d]) && d.session?.needsPathUpdate === false,
    );
    expect(await serverMembers(a)).toEqual(ids([a, b, c, d]));
    const sent = await d.send('from the last joiner');
    expect(sent.epoch).toBe(a.session!.epoch);
    await until('everyone read it', () => [a, b, c].every((m) => m.received.includes('from the last joiner')));
  });

  it('lets one of two commits in the same epoch win; the other catches up and retries (§5.2)', async () => {
    const [a, b, c, d] = await devices('chairA', 'memberA', 'chairB', 'memberB');
    await form(a, b);
    await c.start();
    await d.start();
    const epoch = a.session!.epoch;
    a.wants.add(c.device);
    b.wants.add(d.device);
    // Both queues prepare their Add from the same epoch: neither posts until both have chosen whom to add, so
    // neither can have seen the other's commit (a periodic catch-up cannot bring what was not yet sent).
    const bothChosen = barrier(2);
    a.beforeAdd = bothChosen;
    b.beforeAdd = bothChosen;
    await Promise.all([a.addNow(), b.addNow()]);
    a.beforeAdd = undefined;
    b.beforeAdd = undefined;
    await until('both joiners in', () => agreed([a, b, c, d]));
    const lost = [...a.trace, ...b.trace].filter((l) => l.includes(`commit for epoch ${epoch} lost the race (409)`));
    expect(lost).toHaveLength(1);
    expect(await serverMembers(a)).toEqual(ids([a, b, c, d]));
  });

  it('removes a device that leaves while another is being added (§6.1)', async () => {
    const [a, b, c, d] = await devices('chairA', 'memberA', 'chairB', 'memberB');
    await form(a, b, c);
    await d.start();
    // c leaves the roster as it leaves the group: nobody adds it back.
    a.wants.delete(c.device);
    a.wants.add(d.device);
    await Promise.all([a.addNow(), c.client.leave('left')]);
    expect(c.client.phase).toBe('ended');
    await until('the leaver removed and the joiner in', () => agreed([a, b, d]));
    expect(await serverMembers(a)).toEqual(ids([a, b, d]));
  });

  it('joins from the Welcome that was waiting when the device started, without leaving first (§8.1)', async () => {
    const [a, b] = await devices('chairA', 'memberA');
    await a.start();
    a.wants.add(b.device);
    await a.addNow();
    // The Add is committed while b has no client running: its Welcome waits at the server.
    expect(a.session!.epoch).toBe(1n);
    expect(await serverMembers(a)).toEqual(ids([a, b]));
    await b.start();
    await until('b in', () => agreed([a, b]));
    expect(b.joins).toEqual([expect.stringMatching(/^welcomed@/)]);
    // Add + b's path update: had b left and been added again, the group would be further on.
    expect(a.session!.epoch).toBe(2n);
  });

  it('takes a Welcome pushed before it started, handed over as it subscribes, and looks no further (§11)', async () => {
    const [a, b] = await devices('chairA', 'memberA');
    await a.start();
    b.keepWelcomes();
    await until('b listening', () => b.events.subscribed(`user:${b.device.userId}`));
    a.wants.add(b.device);
    await a.addNow();
    await until('the Welcome pushed', () => b.events.seen.some((e) => e.event.kind === 'mls.welcome'));
    // The kept Welcome reaches the new client's listener before its own lookup runs; the lookup then finds b a member
    // with a stored session, which it must not take on a second time.
    await b.start();
    await until('b in', () => agreed([a, b]));
    expect(b.joins).toEqual([expect.stringMatching(/^welcomed@/)]);
    expect(b.trace.some((l) => l.includes('looking up the group'))).toBe(false);
  });

  it("holds a joiner's path update while its owner asks, reading what the others send meanwhile (§5.3 item 6)", async () => {
    const [a, b] = await devices('chairA', 'memberA');
    await a.start();
    let due!: () => void;
    b.pathUpdateDue = () => new Promise((resolve) => (due = resolve));
    await b.start();
    a.wants.add(b.device);
    await a.addNow();
    await until('b welcomed', () => agreed([a, b]));
    // Welcomed into the Add's epoch, b's queue runs on while its update is held: it reads a's message.
    await a.send('while b holds its update');
    await until('b read it', () => b.received.includes('while b holds its update'));
    expect(b.session!.needsPathUpdate).toBe(true);
    expect(a.session!.epoch).toBe(1n);
    due();
    await until("b's path update in", () => agreed([a, b]) && b.session?.needsPathUpdate === false);
    expect(a.session!.epoch).toBe(2n);
  });

  it('starts over from the current Welcome when its stored membership was replaced (§8.2)', async () => {
    const [a, b] = await devices('chairA', 'memberA');
    await form(a, b);
    const stored = b.client.cursor;
    // b's page goes away without a word; its departure is handled later (the server nominates a to remove it), and a
    // adds b's device again while it is away.
    b.client.close();
    const left = await b.device.http.post(`/api/mls/groups/${a.client.groupId}/leave`, { deviceId: b.device.deviceId });
    expect(left.statusCode).toBe(200);
    await until('b removed and added again', async () => {
      const group = await a.client.ds.group(a.client.groupId!);
      return group.epoch >= 4 && (await serverMembers(a)).includes(b.device.deviceId);
    });
    // The next page load restores the stored session of the earlier membership, and finds it replaced.
    await b.start();
    await until('b back', () => agreed([a, b]));
    expect(b.joins.slice(1)).toEqual([`restored@${stored}`, expect.stringMatching(/^welcomed@/)]);
    expect(b.trace.some((l) => l.includes('membership replaced'))).toBe(true);
    await a.send('after the replacement');
    await until('b reads it', () => b.received.includes('after the replacement'));
  });

  it('removes a leaver when the nominee never commits: the server nominates the next member (§6.2)', async () => {
    const [a, b, c] = await devices('chairA', 'memberA', 'chairB');
    await form(a, b, c);
    // a, the lowest leaf and so the first nominee, goes silent; its user's other socket still hears the nomination.
    const aSocket = new HubEvents(t.ctx, a.device.userId);
    aSocket.subscribe(`mls:${a.client.groupId}`, () => undefined);
    a.client.close();
    a.wants.delete(c.device);
    b.wants.delete(c.device);
    await until('the socket subscribed', () => aSocket.subscribed(`mls:${a.client.groupId}`));
    await c.client.leave('left');
    await until('c removed by b', () => inGroup(b).join() === ids([a, b]).join());
    const nominated = (events: HubEvents) =>
      events.seen.flatMap(({ event }) => (event.kind === 'mls.commit-requested' ? [event.data.deviceId] : []));
    expect(nominated(aSocket)).toContain(a.device.deviceId);
    aSocket.close();
    expect(nominated(b.events)).toContain(b.device.deviceId);
    expect(b.trace.some((l) => l.includes('nominated to remove'))).toBe(true);
    expect(await serverMembers(b)).toEqual(ids([a, b]));
    expect(b.session!.epoch).toBeGreaterThan(a.session?.epoch ?? 0n);
  });

  it('keys a call afresh when every member has left: nobody is left to add a returning device (§6.4)', async () => {
    const [a, b] = await devices('chairA', 'chairB');
    await form(a, b);
    const before = a.client.groupId!;
    await a.client.leave('left');
    await b.client.leave('left');
    await until('nobody active', async () => {
      const g = await a.client.ds.findGroup(context);
      return !!g && !g.members.some((m) => m.status === 'active');
    });
    // b comes back first: it finds nobody who could add it, and keys the context with a new group.
    await b.start({ afreshWhenAlone: true });
    expect(b.client.phase).toBe('ready');
    expect(b.client.groupId).not.toBe(before);
    expect(b.joins.at(-1)).toBe('created@0');
    // a, back a moment later, finds b in it and is added from its Welcome, as any joiner.
    await a.start({ afreshWhenAlone: true });
    expect(a.client.phase).toBe('waiting-for-welcome');
    b.wants.add(a.device);
    await b.addNow();
    await until('both in the new group', () => agreed([a, b]));
    expect(a.client.groupId).toBe(b.client.groupId);
  });
});
