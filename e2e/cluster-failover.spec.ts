import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import { openDatabase } from '../packages/server/src/db/client.js';
import { launchChromium, signInWithPassword } from './support/browser.js';
import {
  type CallSeat,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  roster,
  tileLuminance,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type Cluster, type ParleyNode, startCluster } from './support/cluster.js';
import { PASSWORD, seedWorld, type World } from './support/world.js';

/**
 * Issue 16, items 3 and 4: a three-person E2EE call behind nginx over two Parley nodes (PostgreSQL, Redis, two Janus
 * nodes, all real processes). SIGKILL the Parley node holding two of the sockets: they reconnect through nginx to the
 * other node, everyone sees the three again, media flows, and a write acknowledged just before the kill is there.
 * Then SIGKILL the Janus node carrying the call: it moves, and everyone decodes everyone again.
 */
describe('a node dies mid-call behind nginx', () => {
  let cluster: Cluster;
  let world: World;
  let browser: Browser;
  let meetingId: string;
  const seats: CallSeat[] = [];
  /** Which node each seat's pin cookie sends it to first. */
  const pinned = new Map<CallSeat, ParleyNode>();

  /** Seeds the shared database through the server's own services, from this process (no node is involved). */
  const seed = async (): Promise<World> => {
    const config = loadConfig(
      { DATABASE_URL: cluster.postgres.url, SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'), DATA_DIR: '/tmp' },
      { webRoot: '/nonexistent' },
    );
    const database = await openDatabase({ databaseUrl: cluster.postgres.url, dataDir: null });
    const { app, ctx } = await buildApp({ config, database, logger: false });
    try {
      await app.ready();
      return await seedWorld(ctx);
    } finally {
      await app.close();
      await database.close();
    }
  };

  const seat = async (name: string, pin: 'a' | 'b'): Promise<CallSeat> => {
    const context = await browser.newContext({ baseURL: cluster.url, viewport: { width: 1280, height: 720 } });
    await context.addCookies([{ name: 'parley_pin', value: pin, url: cluster.url }]);
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await signInWithPassword(page, world.users[name]!.email, PASSWORD);
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    const s = { name, context, page, log };
    seats.push(s);
    pinned.set(s, cluster.nodes[pin === 'a' ? 0 : 1]);
    return s;
  };

  /**
   * The node (its port) that answered this page's request, from the balancer's own header: the last address it
   * names, since nginx lists every node it tried (a dead one it retries after fail_timeout comes first).
   */
  const servedBy = (page: Page) =>
    page.evaluate(async () => ((await fetch('/api/auth/me')).headers.get('x-parley-upstream') ?? '').split(', ').pop());

  const metric = async (node: ParleyNode, name: string, label = ''): Promise<number> => {
    const text = await (await fetch(`${node.direct}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(label));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  const displayName = (s: CallSeat) => world.users[s.name]!.displayName;

  /**
   * Waits until every seat's roster holds the other two once each (a dead node's stale entries gone), and returns
   * each one's participant id.
   */
  const rosterOfThree = async (): Promise<Map<CallSeat, string>> => {
    for (const viewer of seats) {
      const others = seats.filter((s) => s !== viewer).map(displayName);
      await expect
        .poll(
          async () =>
            (await roster(viewer.page))
              .map((p) => p.displayName)
              .filter((n) => n !== displayName(viewer))
              .sort(),
          { timeout: 60_000 },
        )
        .toEqual(others.sort());
    }
    const ids = new Map<CallSeat, string>();
    for (const s of seats) ids.set(s, await idOf(seats.find((v) => v !== s)!.page, displayName(s)));
    return ids;
  };

  /** Every seat decodes rising video of every other seat, and what it shows is not black. */
  const everyoneDecodesEveryone = async (ids: Map<CallSeat, string>) => {
    for (const viewer of seats)
      for (const other of seats) {
        if (other === viewer) continue;
        await waitDecoding(viewer.page, ids.get(other)!, 'main', 60_000);
        await expect.poll(() => tileLuminance(viewer.page, ids.get(other)!), { timeout: 20_000 }).toBeGreaterThan(20);
      }
  };

  beforeAll(async () => {
    cluster = await startCluster();
    world = await seed();
    browser = await launchChromium();
    // Chairs and the secretariat skip the lobby, so a rejoin after a reconnect needs nobody's click.
    await seat('aldChair', 'a');
    await seat('belChair', 'b');
    await seat('aldSecretariat', 'a');
  }, 300_000);
  beforeEach(({ onTestFailed }) =>
    onTestFailed(async () => {
      await reportSeats(seats);
      for (const n of cluster?.nodes ?? []) console.error(`--- ${n.id} ---\n${n.output().slice(-4000)}`);
    }),
  );
  afterAll(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('three delegates spread over both nodes decode each other through nginx', async () => {
    const [chair, bel, secretariat] = seats as [CallSeat, CallSeat, CallSeat];
    for (const s of seats) expect(await servedBy(s.page)).toBe(`127.0.0.1:${pinned.get(s)!.port}`);
    const created = await chair.page.evaluate(
      async ({ groupId }) => {
        const start = new Date(Date.now() - 60_000);
        const r = await fetch(`/api/groups/${groupId}/meetings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            title: 'Strategic Consultative Group — failover',
            format: 'video',
            location: '',
            start: start.toISOString(),
            end: new Date(start.getTime() + 2 * 3600_000).toISOString(),
            timeZone: 'Europe/Brussels',
            marking: 'shared',
          }),
        });
        return (await r.json()) as { id: string };
      },
      { groupId: world.groupId },
    );
    meetingId = created.id;
    await openPreJoin(chair, meetingId);
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    for (const s of [bel, secretariat]) {
      await openPreJoin(s, meetingId);
      await joinFromPreJoin(s);
      await waitInRoom(s);
    }
    const ids = await rosterOfThree();
    await everyoneDecodesEveryone(ids);
    // Each node holds the sockets its pin says: two admitted participants on parley-1, one on parley-2.
    const [n1, n2] = cluster.nodes;
    expect(await metric(n1, 'parley_call_participants{', 'parley-1')).toBe(2);
    expect(await metric(n2, 'parley_call_participants{', 'parley-2')).toBe(1);
  });

  it('SIGKILL of a Parley node: sockets move to the other node, the roster and media recover, no write is lost', async () => {
    const [n1, n2] = cluster.nodes;
    const chair = seats[0]!;
    // A write acknowledged by parley-1 just before it dies.
    const title = `Written just before the kill ${Date.now()}`;
    const ack = await chair.page.evaluate(
      async ({ groupId, title }) => {
        const start = new Date(Date.now() + 86_400_000);
        const r = await fetch(`/api/groups/${groupId}/meetings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            title,
            format: 'video',
            location: '',
            start: start.toISOString(),
            end: new Date(start.getTime() + 3600_000).toISOString(),
            timeZone: 'Europe/Brussels',
            marking: 'shared',
          }),
        });
        return {
          status: r.status,
          id: ((await r.json()) as { id: string }).id,
          by: r.headers.get('x-parley-upstream'),
        };
      },
      { groupId: world.groupId, title },
    );
    expect(ack.status).toBe(201);
    expect(ack.by?.split(', ').pop()).toBe(`127.0.0.1:${n1.port}`);

    const t0 = Date.now();
    await n1.kill('SIGKILL');
    await expect
      .poll(() => metric(n2, 'parley_call_participants{', 'parley-2'), { timeout: 60_000, interval: 200 })
      .toBe(3);
    const sockets = Date.now() - t0;
    const ids = await rosterOfThree();
    const rosterMs = Date.now() - t0;
    await everyoneDecodesEveryone(ids);
    const mediaMs = Date.now() - t0;
    console.log(
      `Parley node SIGKILL: all three rejoined on ${n2.id} after ${sockets} ms, every roster shows the three after ${rosterMs} ms, everyone decodes everyone after ${mediaMs} ms`,
    );

    for (const s of seats) expect(await servedBy(s.page)).toBe(`127.0.0.1:${n2.port}`);
    const read = await chair.page.evaluate(async (id) => {
      const r = await fetch(`/api/meetings/${id}`);
      return { status: r.status, body: (await r.json()) as { title?: string; meeting?: { title: string } } };
    }, ack.id);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain(title);
  });

  it('SIGKILL of the Janus node carrying the call: it moves and everyone decodes everyone again', async () => {
    const n2 = cluster.nodes[1];
    const carrying = [] as string[];
    for (const j of cluster.janus)
      if ((await metric(n2, 'parley_janus_node_calls{', `janus_node="${j.id}"`)) > 0) carrying.push(j.id);
    expect(carrying).toHaveLength(1);
    const dead = carrying[0]!;
    const t0 = Date.now();
    await cluster.killJanus(dead);
    const other = cluster.janus.find((j) => j.id !== dead)!.id;
    await expect
      .poll(() => metric(n2, 'parley_janus_node_calls{', `janus_node="${other}"`), { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(0);
    const movedMs = Date.now() - t0;
    const ids = await rosterOfThree();
    await everyoneDecodesEveryone(ids);
    const mediaMs = Date.now() - t0;
    console.log(
      `Janus node SIGKILL (${dead}): call placed on ${other} after ${movedMs} ms, everyone decodes everyone after ${mediaMs} ms`,
    );
  });
});
