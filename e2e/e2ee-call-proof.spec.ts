import { randomBytes } from 'node:crypto';
import { mlsContext } from '@parley/protocol';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JanusError, VideoRoomParticipant } from '../packages/server/src/janus/index.js';
import { callManagerOf } from '../packages/server/src/modules/calls/index.js';
import { exportInstance, rowsOf } from '../packages/server/src/ops/export.js';
import { launchChromium } from './support/browser.js';
import {
  type CallSeat,
  callSeat,
  createVideoMeeting,
  idOf,
  joinFromPreJoin,
  openPreJoin,
  reportSeats,
  snapshotField,
  waitDecoding,
  waitInRoom,
} from './support/call-room.js';
import { type CallServer, startCallServer } from './support/call-server.js';
import { seedWorld, type World } from './support/world.js';

/**
 * Instrumentation, not a feature of the app: copies every epoch base key the call page hands to its E2EE worker
 * (the `keys` message, whose ArrayBuffer is transferred away) into `window.__proofKeys` as hex, before the transfer.
 * The page itself exposes no key; this is how the test learns the real media keys of the call it then looks for.
 */
const CAPTURE_KEYS = `(() => {
  const keys = (window.__proofKeys = []);
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === 'keys' && message.baseKey instanceof ArrayBuffer)
      keys.push(Array.from(new Uint8Array(message.baseKey), (b) => b.toString(16).padStart(2, '0')).join(''));
    return post.call(this, message, ...rest);
  };
})()`;

/** Base64 of `bytes` as it would appear inside a longer base64 text at each of the three byte alignments. */
function base64Needles(bytes: Buffer): string[] {
  return [0, 1, 2].map((pad) => {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    // Drop the group holding the padding bytes and the last group, which depends on what follows.
    return b64.slice(pad === 0 ? 0 : 4, -4);
  });
}

const needlesOf = (bytes: Buffer) => [
  bytes.toString('hex'),
  ...base64Needles(bytes),
  ...base64Needles(bytes).map((b) => b.replace(/\+/g, '-').replace(/\//g, '_')),
];

/**
 * After a real three-party E2EE call with chat, the whole database holds neither what the delegates typed nor any
 * media key, and the Janus room refuses media that is not marked end-to-end encrypted.
 */
describe('secure call proof: nothing readable reaches the server', () => {
  let server: CallServer;
  let browser: Browser;
  let world: World;
  let meetingId: string;
  let chair: CallSeat;
  let bel: CallSeat;
  let sec: CallSeat;
  const seats = () => [chair, bel, sec];
  const nonce = randomBytes(4).toString('hex');
  const typed = [
    `Proposal ${nonce}: a hotline between the two maritime commands, staffed around the clock.`,
    `Belmora ${nonce} accepts the hotline in principle and asks for a joint exercise in spring.`,
  ];
  const keys = new Set<string>();

  beforeAll(async () => {
    server = await startCallServer();
    world = await seedWorld(server.ctx);
    browser = await launchChromium();
    chair = await callSeat(browser, server.url, world.users.aldChair!.email, 'proof-ald-chair');
    bel = await callSeat(browser, server.url, world.users.belChair!.email, 'proof-bel-chair');
    sec = await callSeat(browser, server.url, world.users.aldSecretariat!.email, 'proof-ald-secretariat');
    for (const s of seats()) await s.context.addInitScript(CAPTURE_KEYS);
    meetingId = await createVideoMeeting(chair.page, world.groupId, 'Maritime incidents — secure session');
  });
  beforeEach(({ onTestFailed }) => onTestFailed(() => reportSeats(seats())));
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('three delegates hold an encrypted call and chat through the call UI', async () => {
    await openPreJoin(chair, meetingId);
    // Starting the call puts the chair in it.
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    for (const s of [bel, sec]) {
      await openPreJoin(s, meetingId);
      await joinFromPreJoin(s);
      await waitInRoom(s);
    }
    const names = { [chair.name]: 'aldChair', [bel.name]: 'belChair', [sec.name]: 'aldSecretariat' };
    for (const viewer of seats())
      for (const other of seats())
        if (other !== viewer)
          await waitDecoding(viewer.page, await idOf(viewer.page, world.users[names[other.name]!]!.displayName));
    const codes = () => Promise.all(seats().map((s) => snapshotField<{ safetyCode: string | null }>(s.page, 'e2ee')));
    await expect.poll(async () => new Set((await codes()).map((e) => e.safetyCode)).size, { timeout: 30_000 }).toBe(1);

    for (const [author, text] of [
      [chair, typed[0]!],
      [bel, typed[1]!],
    ] as const) {
      await author.page.getByRole('button', { name: 'Chat' }).click();
      await author.page.getByLabel('Message to everyone in the call').fill(text);
      await author.page.getByRole('button', { name: 'Send' }).click();
      await author.page.getByRole('button', { name: 'Close' }).click();
    }
    await sec.page.getByRole('button', { name: 'Chat' }).click();
    for (const text of typed) await sec.page.getByRole('list', { name: 'Messages' }).getByText(text).waitFor();

    for (const s of seats())
      for (const k of await s.page.evaluate(() => (window as unknown as { __proofKeys: string[] }).__proofKeys))
        keys.add(k);
    // At least the current epoch's key, the same at all three (plus earlier epochs').
    expect(keys.size).toBeGreaterThan(0);
    for (const k of keys) expect(k).toMatch(/^([0-9a-f]{2}){16,}$/);
  });

  it('neither the instance export nor a raw dump of every table holds typed text or a media key', async () => {
    const exported = JSON.stringify(await exportInstance(server.ctx.db));
    const db = server.ctx.db;
    const tables = rowsOf<{ schema: string; name: string }>(
      await db.execute(
        sql`select table_schema as schema, table_name as name from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      ),
    );
    // row_to_json writes bytea as \x-prefixed hex: the raw bytes of every ciphertext column are searched too.
    const dump: string[] = [];
    for (const t of tables) {
      const rows = rowsOf<{ j: string }>(
        await db.execute(
          sql`select row_to_json(t)::text as j from ${sql.identifier(t.schema)}.${sql.identifier(t.name)} t`,
        ),
      );
      dump.push(`-- ${t.schema}.${t.name}`, ...rows.map((r) => r.j));
    }
    const raw = dump.join('\n');
    const haystacks = { export: exported, 'raw dump': raw, 'raw dump (lower case)': raw.toLowerCase() };

    // The dumps are real and searchable: the meeting's title (stored in clear by design) and the call's MLS
    // group are in them, and the chat went through the server (as MLS ciphertext).
    expect(tables.length).toBeGreaterThan(10);
    expect(raw).toContain('Maritime incidents — secure session');
    expect(exported).toContain('Maritime incidents — secure session');
    expect(raw).toContain(mlsContext({ kind: 'call', meetingId }));

    const secrets: [string, string[]][] = [
      ...typed.map((t): [string, string[]] => [`typed “${t.slice(0, 24)}…”`, [t, ...needlesOf(Buffer.from(t))]]),
      ...typed.map((t): [string, string[]] => [`typed fragment ${nonce}`, [t.slice(0, 30)]]),
      ...[...keys].map((k): [string, string[]] => [`media key ${k.slice(0, 6)}…`, needlesOf(Buffer.from(k, 'hex'))]),
    ];
    const found: string[] = [];
    for (const [what, needles] of secrets)
      for (const needle of needles)
        for (const [where, text] of Object.entries(haystacks))
          if (text.includes(needle)) found.push(`${what} as ${needle.slice(0, 16)}… in ${where}`);
    expect(found).toEqual([]);
  });

  it('the call’s Janus room refuses a publisher whose offer is not marked end-to-end encrypted', async () => {
    const janus = server.ctx.janus!;
    const room = callManagerOf(server.ctx)!.calls.get(meetingId)!.room!;
    const token = randomBytes(24).toString('base64url');
    await janus.rooms.allow(room, [token]);
    const participant = await VideoRoomParticipant.open(janus.client);
    try {
      const publisher = await participant.publisher('proof-plain');
      await publisher.join({ room: room.room, token, display: 'proof-plain' });
      // A real Chromium offer (fake camera and microphone), as a client without insertable streams would send it.
      const sdp = await chair.page.evaluate(async () => {
        const media = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
        const pc = new RTCPeerConnection();
        for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
        const offer = await pc.createOffer();
        pc.close();
        for (const track of media.getTracks()) track.stop();
        return offer.sdp!;
      });
      const refused = await publisher.handle.message({ request: 'publish' }, { type: 'offer', sdp }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(JanusError);
      expect((refused as JanusError).kind).toBe('plugin');
      console.info(`Janus refused the unmarked offer: ${(refused as JanusError).code} ${(refused as Error).message}`);
      // The same offer marked end-to-end encrypted is accepted (on a fresh handle: the refused one keeps its failed
      // negotiation): the refusal is about the mark, not the SDP.
      const control = await participant.publisher('proof-marked');
      await control.join({ room: room.room, token, display: 'proof-marked' });
      const answer = await control.publish({ type: 'offer', sdp });
      expect(answer.type).toBe('answer');
    } finally {
      await participant.close().catch(() => undefined);
      await janus.rooms.disallow(room, [token]).catch(() => undefined);
    }
  });
});
