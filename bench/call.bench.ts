// Call join latency (issue 6): a click on Join → the first remote video frame decoded, p50 over several joins of a
// third participant into a call where two are already publishing. The same-run baseline is a bare page that talks
// to the same Janus directly (bench/support/bare-janus.ts): no Parley server in the path, no E2EE, no MLS. The
// ratio is what Parley's signalling, authorisation and end-to-end encryption add to joining.
// Both are timed inside the page, from the click event to the first getStats poll (every 20 ms) showing
// framesDecoded > 0, so neither includes Playwright round trips; and each also to its first remote frame on screen,
// by the instant the page's compositor reports (support/first-shown.ts), which a busy main thread does not delay.
// Each Parley join also prints when the joiner was admitted (`call.joined`), held the call's keys (in the worker),
// and had every media connection up (ICE/DTLS): what runs in parallel with ICE/DTLS is in docs/call-keys.md §11.
// Run: npm run bench -- call (BENCH_TRACE=1: each join's whole timeline; BENCH_SAME_LOAD=1: both calls running at once).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { type CallServer, startCallServer } from '../e2e/support/call-server.js';
import { seedWorld } from '../e2e/support/world.js';
import { BareCall } from './support/bare-call.js';
import { type BarePageServer, serveBarePage } from './support/bare-janus.js';
import { launchBenchChromium, median, percentile, sleep, until } from './support/chromium.js';
import { SHOWN_PROBE, shownSince } from './support/first-shown.js';
import {
  breakdown,
  formatBreakdown,
  type JoinBreakdown,
  printMedianBreakdown,
  type TraceRow,
} from './support/join-breakdown.js';
import {
  clickJoin,
  createVideoMeeting,
  decodingVideos,
  leaveCall,
  openPreJoin,
  participantCount,
  type Seat,
  seat,
  waitInRoom,
} from './support/parley-call.js';
import { ServerRequests } from './support/server-requests.js';
import type { BenchResult } from './types.js';

const JOINS = 7;
/** Between joins: the remaining members settle (MLS removal commit, Janus renegotiation) before the next one. */
const SETTLE_MS = 1_500;
const FRAME_TIMEOUT_MS = 60_000;

/** Both measures of a set of joins: the decode seen by a getStats poll, and the frame on screen. */
interface Joins {
  decoded: number[];
  shown: (number | null)[];
}

/** A join's on-screen figure as printed; a dash when no frame showed. */
const shownText = (ms: number | null) => (ms === null ? '–' : `${ms.toFixed(0)} ms`);

/** In-page probe: stamps the Join click (capture phase, before React's handler) and polls for a decoded frame. */
const PARLEY_PROBE = `(() => {
  const b = (window.__bench = { clickAt: 0, firstFrameMs: null, joinedMs: null, keysMs: null, mediaMs: null,
    videoBytesMs: null, videoFramesMs: null, plis: null });
  document.addEventListener('click', (e) => {
    const button = e.target instanceof Element ? e.target.closest('button') : null;
    if (button && button.textContent.includes('Join secure call') && !b.clickAt) b.clickAt = performance.now();
  }, true);
  let ticks = 0;
  const tick = async () => {
    if (b.firstFrameMs !== null || ticks++ > 5000) return;
    const c = window.__parleyCall;
    if (b.clickAt && c) {
      const snap = c.snapshot();
      const since = Math.round(performance.now() - b.clickAt);
      if (b.joinedMs === null && snap.phase === 'joined') b.joinedMs = since;
      if (b.keysMs === null && snap.e2ee.epoch !== null) b.keysMs = since;
      if (b.mediaMs === null && b.joinedMs !== null && snap.media === 'connected') b.mediaMs = since;
      const stats = await c.inboundStats().catch(() => []);
      const video = stats.filter((v) => v.kind === 'video');
      const at = Math.round(performance.now() - b.clickAt);
      if (b.videoBytesMs === null && video.some((v) => v.bytes > 0)) b.videoBytesMs = at;
      if (b.videoFramesMs === null && video.some((v) => (v.framesReceived || 0) > 0)) b.videoFramesMs = at;
      if (video.some((v) => v.framesDecoded > 0)) {
        b.firstFrameMs = performance.now() - b.clickAt;
        b.plis = video.map((v) => v.pliCount || 0).join('+');
        return;
      }
    }
    setTimeout(tick, 20);
  };
  void tick();
})()`;

/**
 * Each join prints its steps (bench/support/join-breakdown.ts) from the MLS group client's trace lines
 * (console.debug `[mls …]`) of all three pages; with BENCH_TRACE=1 also the whole timeline: those lines of all three pages, the joiner's own steps and the server's HTTP requests, in ms since the click. Pages share the machine's clock
 * (performance.timeOrigin + now), so the lines of different pages sort together.
 */
const TRACE = process.env.BENCH_TRACE === '1';
const TRACE_HOOK = `(() => {
  if (window.__trace) return;
  const lines = (window.__trace = []);
  const debug = console.debug.bind(console);
  // The lines are kept, not also printed: a page with the browser's tools attached (as here) pays for each printed
  // line, a person's page does not.
  console.debug = (...args) => {
    const line = args.map(String).join(' ');
    if (line.startsWith('[mls')) lines.push([performance.timeOrigin + performance.now(), line]);
    else debug(...args);
  };
  if (!${TRACE}) return;
  const stamp = (line) => lines.push([performance.timeOrigin + performance.now(), line]);
  // A member's camera: when it is asked for a key frame (PLI/FIR, per simulcast layer) and when it encodes one.
  const seen = new Map();
  const poll = async () => {
    const pub = window.__parleyCall && window.__parleyCall.publishers && window.__parleyCall.publishers.get('main');
    const report = pub ? await pub.stats() : null;
    for (const s of report ? report.values() : []) {
      if (s.type !== 'outbound-rtp' || s.kind !== 'video') continue;
      for (const [what, n] of [['key-frame requests', (s.pliCount || 0) + (s.firCount || 0)], ['key frames encoded', s.keyFramesEncoded || 0]]) {
        const k = what + s.rid;
        if (seen.has(k) && seen.get(k) !== n) stamp('[media camera ' + s.rid + '] ' + what + ' ' + n);
        seen.set(k, n);
      }
    }
    // The joiner's decryption of each sender as its view reports it (counted in the worker): frames held until
    // keys came and then refused show here, where the getStats poll sees only bytes and no frame.
    const call = window.__parleyCall;
    for (const p of call && call.snapshot ? call.snapshot().e2ee.participants : []) {
      const k = 'keys ' + p.displayName;
      const now = p.status + ' decrypted ' + p.framesDecrypted + ' refused ' + p.framesFailed + ' epoch ' + p.mediaEpoch;
      if (seen.get(k) !== now && (p.framesDecrypted || p.framesFailed)) stamp('[e2ee ' + p.displayName + '] ' + now);
      seen.set(k, now);
    }
    setTimeout(poll, 50);
  };
  void poll();
  // The joiner's media steps too: each peer connection's descriptions and states, and the call signalling.
  const Pc = window.RTCPeerConnection;
  let pcs = 0;
  window.RTCPeerConnection = class extends Pc {
    constructor(...a) {
      super(...a);
      const id = ++pcs;
      this.__id = id;
      stamp('[media pc' + id + '] created');
      this.addEventListener('connectionstatechange', () => stamp('[media pc' + id + '] ' + this.connectionState));
      this.addEventListener('iceconnectionstatechange', () => stamp('[media pc' + id + '] ice ' + this.iceConnectionState));
    }
    async setLocalDescription(d) { const r = await super.setLocalDescription(d); stamp('[media pc' + this.__id + '] local ' + (d ? d.type : '')); return r; }
    async setRemoteDescription(d) { const r = await super.setRemoteDescription(d); stamp('[media pc' + this.__id + '] remote ' + d.type); return r; }
  };
  // The call signalling as the page handles it (a message waits for the main thread like everything else), and
  // what held that thread: each long animation frame over 100 ms, with the scripts that ran longest in it.
  const Ws = window.WebSocket;
  const note = (dir, raw) => {
    try {
      const m = JSON.parse(String(raw));
      const what = m.type && m.type.startsWith('call.') ? m.type : m.event && m.event.kind;
      if (what) stamp('[ws ' + dir + '] ' + what + (m.stream ? ' ' + m.stream : ''));
    } catch {}
  };
  window.WebSocket = class extends Ws {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => note('←', e.data));
    }
    send(d) { note('→', d); return super.send(d); }
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < 100) continue;
      const scripts = [...(e.scripts || [])].sort((a, b) => b.duration - a.duration).slice(0, 3)
        .map((x) => (x.invoker || x.invokerType) + ' ' + Math.round(x.duration)).join(', ');
      lines.push([performance.timeOrigin + e.startTime, '[main] busy ' + Math.round(e.duration) + ' ms: ' + scripts]);
    }
  }).observe({ type: 'long-animation-frame', buffered: false });
})()`;

/** The trace lines of the joiner and the members since the click, taken out of the pages (each line once). */
async function collect(joiner: Seat, others: { name: string; seat: Seat }[], server?: ServerRequests) {
  const b = (await joiner.page.evaluate(
    '({ origin: performance.timeOrigin, ...window.__bench, trace: window.__trace.splice(0) })',
  )) as {
    origin: number;
    clickAt: number;
    joinedMs: number | null;
    keysMs: number | null;
    videoBytesMs: number | null;
    videoFramesMs: number | null;
    plis: string | null;
    mediaMs: number | null;
    firstFrameMs: number | null;
    trace: [number, string][];
  };
  const click = b.origin + b.clickAt;
  const rows: (TraceRow & { name: string })[] = b.trace
    .filter(([at]) => at >= click - 50)
    .map(([at, line]) => ({ at, who: 'joiner', name: 'joiner', line }));
  for (const { name, seat: s } of others) {
    const lines = (await s.page.evaluate('window.__trace.splice(0)')) as [number, string][];
    // A member's own signalling is not on the joiner's path; what holds its main thread may be.
    for (const [at, line] of lines)
      if (at >= click - 50 && !line.startsWith('[ws')) rows.push({ at, who: 'member', name, line });
  }
  for (const [at, line] of server?.take() ?? [])
    if (at >= click - 50) rows.push({ at, who: 'server', name: 'server', line });
  return { click, probe: b, rows };
}

function printTimeline({ click, probe, rows }: Awaited<ReturnType<typeof collect>>): void {
  const lines: [number, string][] = rows.map((r) => [r.at - click, `${r.name.padEnd(7)} ${r.line}`]);
  for (const [what, ms] of [
    ['first video bytes in', probe.videoBytesMs],
    ['first video frame assembled', probe.videoFramesMs],
    ['admitted (call.joined)', probe.joinedMs],
    ['call keys in the view', probe.keysMs],
    ['media connected', probe.mediaMs],
    [`first remote frame decoded (key-frame requests so far: ${probe.plis})`, probe.firstFrameMs],
  ] as const)
    if (ms !== null) lines.push([ms, `joiner  ** ${what}`]);
  lines.sort((x, y) => x[0] - y[0]);
  for (const [t, line] of lines) console.log(`    ${t.toFixed(0).padStart(6)} ms  ${line}`);
}

/** What the joiner's call page knows, for a failure message (phase, E2EE state, inbound media). */
function joinerDiagnostics(s: Seat): Promise<unknown> {
  return s.page
    .evaluate(
      `(async () => {
        const c = window.__parleyCall;
        if (!c) return 'no call session';
        const snap = c.snapshot();
        return JSON.stringify({ phase: snap.phase, error: snap.error, e2ee: snap.e2ee, bench: window.__bench,
          participants: snap.participants.length, inbound: await c.inboundStats() });
      })()`,
    )
    .catch((error: unknown) => String(error));
}

/** The Parley joins; `kept`, if given, takes the seats instead of closing them (the members stay in the call). */
async function parleyJoins(server: CallServer, browser: Browser, kept?: Seat[]): Promise<Joins> {
  const world = await seedWorld(server.ctx);
  const users = world.users;
  const seats: Seat[] = [];
  let requests: ServerRequests | undefined;
  try {
    const started = Date.now();
    const chair = await seat(browser, server.url, users.aldChair!.email, 'ald-chair');
    const bel = await seat(browser, server.url, users.belChair!.email, 'bel-chair');
    // The secretariat skips the lobby, like a chair: the measure is the join itself, not a human admitting.
    const joiner = await seat(browser, server.url, users.aldSecretariat!.email, 'ald-secretariat');
    seats.push(chair, bel, joiner);
    const meetingId = await createVideoMeeting(chair.page, world.groupId, 'Bench: join latency');
    await openPreJoin(chair, meetingId);
    // Starting the call puts the chair in it.
    await chair.page.getByRole('button', { name: 'Start the call' }).click();
    await waitInRoom(chair);
    await openPreJoin(bel, meetingId);
    await clickJoin(bel);
    await waitInRoom(bel);
    await until('the two chairs decoding each other', async () =>
      (await decodingVideos(chair)) > 0 && (await decodingVideos(bel)) > 0 ? true : undefined,
    );

    // The trace lines give the join's breakdown (docs/call-keys.md §11); the whole timeline is printed with BENCH_TRACE.
    for (const s of [chair, bel]) await s.page.evaluate(TRACE_HOOK);
    console.log(`  call set up with two publishers in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const times: number[] = [];
    const shown: (number | null)[] = [];
    const breakdowns: JoinBreakdown[] = [];
    requests = TRACE ? new ServerRequests() : undefined;
    // Before the app's scripts, so the call's socket, opened with the page, is one the trace sees.
    if (TRACE) await joiner.context.addInitScript(TRACE_HOOK);
    for (let i = 0; i < JOINS; i++) {
      await openPreJoin(joiner, meetingId);
      requests?.take();
      await joiner.page.evaluate(PARLEY_PROBE);
      await joiner.page.evaluate(SHOWN_PROBE);
      await joiner.page.evaluate(TRACE_HOOK);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      await clickJoin(joiner);
      const ms = await until(
        `Parley join ${i + 1}: first remote frame`,
        async () => ((await joiner.page.evaluate('window.__bench.firstFrameMs')) as number | null) ?? undefined,
        FRAME_TIMEOUT_MS,
      ).catch(async (error: unknown) => {
        console.error(await joinerDiagnostics(joiner));
        throw error;
      });
      times.push(ms);
      const onScreen = await shownSince(joiner.page, 'window.__bench.clickAt');
      shown.push(onScreen);
      loop.disable();
      console.log(
        `    server event loop during the join: max ${(loop.max / 1e6).toFixed(0)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, mean ${(loop.mean / 1e6).toFixed(0)} ms`,
      );
      const steps = (await joiner.page.evaluate('window.__bench')) as {
        joinedMs: number | null;
        keysMs: number | null;
        mediaMs: number | null;
      };
      const at = (v: number | null) => (v === null ? 'after the first frame' : `at ${v} ms`);
      console.log(
        `  parley join ${i + 1}: ${ms.toFixed(0)} ms, on screen ${shownText(onScreen)} (admitted ${at(steps.joinedMs)}, call keys ${at(steps.keysMs)}, media connected ${at(steps.mediaMs)})`,
      );
      await waitInRoom(joiner);
      if (TRACE) await sleep(1_000); // the path update's epoch, after the first frame
      const seen = await collect(
        joiner,
        [
          { name: 'chair', seat: chair },
          { name: 'bel', seat: bel },
        ],
        requests,
      );
      const parts = breakdown(seen.click, seen.probe, seen.rows);
      breakdowns.push(parts);
      console.log(`    steps (ms since the click): ${formatBreakdown(parts)}`);
      if (TRACE) printTimeline(seen);
      await leaveCall(joiner);
      await until(
        'the chairs seeing the joiner leave',
        async () => ((await participantCount(chair)) === 2 && (await participantCount(bel)) === 2 ? true : undefined),
        FRAME_TIMEOUT_MS,
      );
      await sleep(SETTLE_MS);
    }
    printMedianBreakdown(breakdowns);
    return { decoded: times, shown };
  } finally {
    requests?.close();
    if (kept) kept.push(...seats.splice(0));
    for (const s of seats) await s.context.close().catch(() => undefined);
  }
}

/** The p50 (the target's) and p90 of one measure, Parley against the bare page, printed and as results. */
function figures(what: string, suffix: string, parley: number[], bare: number[]): BenchResult[] {
  const [value, baseline] = [median(parley), median(bare)];
  const [p90, bareP90] = [percentile(parley, 90), percentile(bare, 90)];
  console.log(
    `join click → ${what}, p50: Parley ${value.toFixed(0)} ms, bare Janus ${baseline.toFixed(0)} ms, ` +
      `ratio ${(value / baseline).toFixed(2)}x (target ≤ 1.3x); p90: Parley ${p90.toFixed(0)} ms, bare Janus ${bareP90.toFixed(0)} ms`,
  );
  return [
    {
      name: `call join → first remote frame${suffix} (p50 of ${JOINS}, 3 participants)`,
      value,
      baseline,
      ratio: value / baseline,
      unit: 'ms',
      target: '≤ 1.3x bare Janus page',
    },
    {
      name: `call join → first remote frame${suffix} (p90 of ${JOINS}, 3 participants)`,
      value: p90,
      baseline: bareP90,
      ratio: p90 / bareP90,
      unit: 'ms',
      target: 'printed beside the p50',
    },
  ];
}

async function bareJoins(call: BareCall): Promise<Joins> {
  const joins: Joins = { decoded: [], shown: [] };
  for (let i = 0; i < JOINS; i++) {
    const { decoded, shown } = await call.join(i + 1, FRAME_TIMEOUT_MS);
    joins.decoded.push(decoded);
    joins.shown.push(shown);
    console.log(`  bare join ${i + 1}: ${decoded.toFixed(0)} ms, on screen ${shownText(shown)}`);
    await sleep(SETTLE_MS);
  }
  return joins;
}

/**
 * BENCH_SAME_LOAD=1: both joiners meet the same machine. The bare call's two publishers are up while the Parley joins
 * run, and the Parley call's two members stay in it while the bare joins run, so every join shares the two cores
 * with four publishing pages. The target's figure is the default run (each kind of call alone); this one shows how
 * much of the difference is the load Parley's pages put on a small machine rather than the join itself.
 */
const SAME_LOAD = process.env.BENCH_SAME_LOAD === '1';

export async function run(): Promise<BenchResult[]> {
  const server = await startCallServer();
  let browser: Browser | undefined;
  let pageServer: BarePageServer | undefined;
  let bareCall: BareCall | undefined;
  const members: Seat[] = [];
  try {
    browser = await launchBenchChromium();
    pageServer = await serveBarePage();
    const load = SAME_LOAD ? ' (the bare call running too)' : '';
    if (SAME_LOAD) bareCall = await BareCall.start(server, browser, pageServer);
    console.log(`Parley: ${JOINS} joins of a third participant (two publishing)${load}`);
    const parley = await parleyJoins(server, browser, SAME_LOAD ? members : undefined);
    bareCall ??= await BareCall.start(server, browser, pageServer);
    console.log(
      `bare Janus page: ${JOINS} joins of a third participant (two publishing)${SAME_LOAD ? ' (the Parley call running too)' : ''}`,
    );
    const bare = await bareJoins(bareCall);
    const label = SAME_LOAD ? ', both calls running' : '';
    const results = figures(`first remote frame decoded${label}`, label, parley.decoded, bare.decoded);
    // Every join needs its on-screen instant for that figure to mean the same as the other one.
    const complete = (v: (number | null)[]): number[] | null => (v.every((x) => x !== null) ? (v as number[]) : null);
    const [parleyShown, bareShown] = [complete(parley.shown), complete(bare.shown)];
    if (parleyShown && bareShown)
      results.push(...figures(`first remote frame on screen${label}`, `, on screen${label}`, parleyShown, bareShown));
    else console.log('  a join showed no remote frame on screen within 10 s of its decode: no on-screen figure');
    return results;
  } finally {
    await bareCall?.close();
    for (const s of members) await s.context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await pageServer?.close().catch(() => undefined);
    await server.stop();
  }
}
