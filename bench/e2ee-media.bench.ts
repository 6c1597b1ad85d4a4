// Receiver CPU with E2EE on vs off (issue 7): one receiving browser gets the same two fake-camera streams (3
// participants: two senders, one receiver) over real RTCPeerConnections, once through Parley's SFrame worker
// transform (packages/web/src/e2ee MediaCrypto, encrypt at the senders, decrypt at the receiver) and once with no
// transform. The figure is the receiving browser's whole CPU time (every Chromium process: renderer, network,
// GPU/utility; from CDP SystemInfo.getProcessInfo) per second of wall time over a fixed window. Senders run in a
// separate browser so their encoding and encryption are not counted, and their encoding is pinned (room bitrate,
// resolution held) so every mode decodes the same media. Rounds rotate the order of the modes so drift and load
// from other processes fall on all of them alike; figures are medians over rounds. A third mode routes the frames
// through an encoded transform that hands them back untouched, to tell Chromium's cost of moving every frame
// through a worker from the cost of the SFrame decryption itself. A fourth runs LiveKit's own frame encryption
// worker, as the livekit-client package ships it, over the same connections and media: the peer to compare with.
// The senders' browser is measured over the same window too (its encoding and encryption). In the same rounds a
// Firefox ESR receiver (WebDriver BiDi; its CPU is its process tree's, read from /proc) decodes the same senders off,
// through the bare transform and through Parley's worker: the Firefox figures beside Chromium's. A last mode is
// Parley's E2EE with Opus at 40 ms frames instead of 20 (the answer's ptime): half the audio packets to encrypt and
// decrypt, for 20 ms more latency per packet.
// Run: npm run bench -- e2ee-media
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { build, defaultClientConditions } from 'vite';
import { launchBenchChromium, median, sleep, until } from './support/chromium.js';
import { launchBenchFirefox, processTreeCpu } from './support/firefox.js';
import type { BenchMedia } from './support/media-harness.js';
import type { BenchResult } from './types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Rounds of every mode; BENCH_ROUNDS overrides (the machine is shared: more rounds, steadier medians). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const WARMUP_MS = 4_000;
const WINDOW_MS = 10_000;

async function bundleHarness(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-media-'));
  await build({
    configFile: false,
    root: repoRoot,
    base: '/',
    mode: 'production',
    logLevel: 'error',
    publicDir: false,
    resolve: { conditions: ['source', ...defaultClientConditions] },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    worker: { format: 'es' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      modulePreload: false,
      rollupOptions: {
        input: path.join(repoRoot, 'bench/support/media-harness.ts'),
        output: { format: 'es', entryFileNames: 'harness.js' },
      },
    },
  });
  fs.writeFileSync(
    path.join(outDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/harness.js"></script></head><body></body></html>',
  );
  return outDir;
}

async function serve(dir: string) {
  const server = http.createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1) || 'index.html';
    const file = path.join(dir, name);
    if (!file.startsWith(dir) || !fs.existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.html') ? 'text/html' : 'text/javascript' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A page of either engine: Playwright's (Chromium) and puppeteer's (Firefox) both evaluate a function with one argument. */
interface EvalPage {
  evaluate(fn: (arg: [string, unknown[]]) => unknown, arg: [string, unknown[]]): Promise<unknown>;
}
type Call = <K extends keyof BenchMedia>(
  page: EvalPage,
  name: K,
  ...args: Parameters<BenchMedia[K]>
) => Promise<Awaited<ReturnType<BenchMedia[K]>>>;
const call: Call = (page, name, ...args) =>
  page.evaluate(
    ([n, a]) =>
      (globalThis as unknown as { benchMedia: Record<string, (...x: unknown[]) => unknown> }).benchMedia[n]!(...a),
    [name, args] as [string, unknown[]],
  ) as never;

/** CPU seconds of every process of `browser` so far. */
async function browserCpu(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { cpuTime: number }[] };
    return info.processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
  } finally {
    await cdp.detach();
  }
}

type Mode = 'off' | 'transform' | 'e2ee' | 'livekit' | 'opus40' | 'ff-off' | 'ff-transform' | 'ff-e2ee';
const LABEL: Record<Mode, string> = {
  off: 'E2EE off         ',
  transform: 'bare transform   ',
  e2ee: 'Parley SFrame    ',
  livekit: 'LiveKit worker   ',
  opus40: 'Parley, Opus 40ms',
  'ff-off': 'Firefox: off     ',
  'ff-transform': 'Firefox: bare    ',
  'ff-e2ee': 'Firefox: Parley  ',
};
interface Sample {
  cpuMsPerS: number;
  senderCpuMsPerS: number;
  fps: number;
  audioPacketsPerS: number;
}

/** The receiving browser of a mode: a page on the bench site, and the CPU seconds of all its processes. */
interface Receiver {
  open(url: string): Promise<{ page: EvalPage; close(): Promise<void> }>;
  cpu(): Promise<number>;
}

async function openChromium(b: Browser, url: string) {
  const page = await (await b.newContext()).newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'benchMedia' in globalThis);
  return { page: page as unknown as EvalPage, close: () => page.context().close() };
}

const chromiumReceiver = (b: Browser): Receiver => ({ open: (url) => openChromium(b, url), cpu: () => browserCpu(b) });

function firefoxReceiver(b: FirefoxBrowser): Receiver {
  const pid = b.process()?.pid;
  if (!pid) throw new Error('Firefox runs without a process of its own to measure');
  return {
    async open(url) {
      const context = await b.createBrowserContext();
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => 'benchMedia' in globalThis);
      return { page: page as unknown as EvalPage, close: () => context.close() };
    },
    cpu: async () => processTreeCpu(pid),
  };
}

async function measure(url: string, senders: Browser, receiver: Receiver, mode: Mode): Promise<Sample> {
  const e2ee = mode === 'e2ee' || mode === 'livekit' || mode === 'opus40' || mode === 'ff-e2ee';
  const withLivekit = mode === 'livekit';
  const passThrough = mode === 'transform' || mode === 'ff-transform';
  const key = e2ee ? randomBytes(16).toString('hex') : null;
  const sendPages = [await openChromium(senders, url), await openChromium(senders, url)];
  const opened = await receiver.open(url);
  const recv = opened.page;
  try {
    const leaves = { 'participant-0': [0], 'participant-1': [1] };
    for (const [leaf, page] of sendPages.entries()) {
      const pub = await call(page.page, 'publish', key, leaf, withLivekit);
      const sub = await call(
        recv,
        'receive',
        pub.offer,
        key,
        `participant-${leaf}`,
        leaves,
        passThrough,
        withLivekit,
        mode === 'opus40' ? 40 : null,
      );
      await call(page.page, 'accept', pub.id, sub.answer);
      await call(page.page, 'fixEncoding', pub.id);
    }
    await until(`${mode} video decoding from both senders`, async () =>
      (await call(recv, 'frames')).every((n) => n > 30) ? true : undefined,
    );
    await sleep(WARMUP_MS);
    const [cpu0, send0, frames0, audio0, t0] = [
      await receiver.cpu(),
      await browserCpu(senders),
      await call(recv, 'frames'),
      await call(recv, 'audioPackets'),
      Date.now(),
    ];
    await sleep(WINDOW_MS);
    const [cpu1, send1, frames1, audio1, t1] = [
      await receiver.cpu(),
      await browserCpu(senders),
      await call(recv, 'frames'),
      await call(recv, 'audioPackets'),
      Date.now(),
    ];
    const resolutions = await call(recv, 'resolutions');
    const errors = await call(recv, 'errors');
    if (errors.length > 0) throw new Error(`receiver E2EE errors: ${errors.join('; ')}`);
    const seconds = (t1 - t0) / 1000;
    const fps = frames1.reduce((s, n, i) => s + n - frames0[i]!, 0) / seconds;
    const cpuMsPerS = ((cpu1 - cpu0) * 1000) / seconds;
    const senderCpuMsPerS = ((send1 - send0) * 1000) / seconds;
    const audioPacketsPerS = (audio1 - audio0) / seconds;
    console.log(
      `  ${LABEL[mode]}: receiver ${cpuMsPerS.toFixed(0)} ms CPU/s, senders ${senderCpuMsPerS.toFixed(0)} ms CPU/s, ` +
        `${fps.toFixed(1)} video frames/s (${resolutions.join(' + ')}), ${audioPacketsPerS.toFixed(0)} audio packets/s`,
    );
    return { cpuMsPerS, senderCpuMsPerS, fps, audioPacketsPerS };
  } finally {
    for (const page of [...sendPages, opened]) await page.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = await bundleHarness();
  const site = await serve(dir);
  const senders = await launchBenchChromium();
  const receiver = await launchBenchChromium();
  const firefox = await launchBenchFirefox();
  try {
    const chromiumSide = chromiumReceiver(receiver);
    const firefoxSide = firefoxReceiver(firefox);
    const runs: Record<Mode, Sample[]> = {
      off: [],
      transform: [],
      e2ee: [],
      livekit: [],
      opus40: [],
      'ff-off': [],
      'ff-transform': [],
      'ff-e2ee': [],
    };
    const modes: Mode[] = ['off', 'ff-off', 'e2ee', 'ff-e2ee', 'livekit', 'transform', 'ff-transform', 'opus40'];
    for (let round = 0; round < ROUNDS; round++) {
      console.log(`round ${round + 1} of ${ROUNDS}`);
      for (let i = 0; i < modes.length; i++) {
        const mode = modes[(round + i) % modes.length]!;
        const side = mode.startsWith('ff-') ? firefoxSide : chromiumSide;
        runs[mode].push(await measure(site.url, senders, side, mode));
      }
    }
    const cpu = (mode: Mode, side: 'cpuMsPerS' | 'senderCpuMsPerS' = 'cpuMsPerS') =>
      median(runs[mode].map((r) => r[side]));
    const fps = (mode: Mode) => median(runs[mode].map((r) => r.fps));
    /** The median over rounds of one mode's figure over another's in the same round (drift cancels out). */
    const ratio = (a: Mode, b: Mode, side: 'cpuMsPerS' | 'senderCpuMsPerS' = 'cpuMsPerS') =>
      median(runs[a].map((r, i) => r[side] / runs[b][i]![side]));
    const pct = (x: number) => `${((x - 1) * 100).toFixed(1)} %`;
    const [on, off, bare, lk] = [cpu('e2ee'), cpu('off'), cpu('transform'), cpu('livekit')];
    console.log(
      `receiver CPU, 2 incoming streams (medians of ${ROUNDS} rounds; ratios are medians of same-round ratios):\n` +
        `  off ${off.toFixed(0)} ms/s (${fps('off').toFixed(1)} fps), bare transform ${bare.toFixed(0)} ms/s ` +
        `(${pct(ratio('transform', 'off'))}), Parley ${on.toFixed(0)} ms/s (${pct(ratio('e2ee', 'off'))}, ` +
        `${fps('e2ee').toFixed(1)} fps), LiveKit ${lk.toFixed(0)} ms/s (${pct(ratio('livekit', 'off'))}, ` +
        `${fps('livekit').toFixed(1)} fps)\n` +
        `  SFrame's share over the bare transform: Parley ${pct(ratio('e2ee', 'transform'))}, ` +
        `LiveKit's ${pct(ratio('livekit', 'transform'))}; Parley vs LiveKit ${pct(ratio('e2ee', 'livekit'))}`,
    );
    const send = (mode: Mode) => cpu(mode, 'senderCpuMsPerS');
    console.log(
      `sender CPU, 2 outgoing camera+microphone streams: off ${send('off').toFixed(0)} ms/s, bare transform ` +
        `${send('transform').toFixed(0)} ms/s, Parley ${send('e2ee').toFixed(0)} ms/s ` +
        `(${pct(ratio('e2ee', 'off', 'senderCpuMsPerS'))}), LiveKit ${send('livekit').toFixed(0)} ms/s ` +
        `(${pct(ratio('livekit', 'off', 'senderCpuMsPerS'))})`,
    );
    const [ffOff, ffBare, ffOn] = [cpu('ff-off'), cpu('ff-transform'), cpu('ff-e2ee')];
    console.log(
      `Firefox ESR receiver, same senders and rounds: off ${ffOff.toFixed(0)} ms/s (${fps('ff-off').toFixed(1)} fps), ` +
        `bare transform ${ffBare.toFixed(0)} ms/s (${pct(ratio('ff-transform', 'ff-off'))}), Parley ${ffOn.toFixed(0)} ` +
        `ms/s (${pct(ratio('ff-e2ee', 'ff-off'))}, ${fps('ff-e2ee').toFixed(1)} fps); SFrame's share over the bare ` +
        `transform ${pct(ratio('ff-e2ee', 'ff-transform'))}`,
    );
    const audioRate = (mode: Mode) => median(runs[mode].map((r) => r.audioPacketsPerS));
    console.log(
      `Opus frame size under Parley's E2EE: 20 ms (${audioRate('e2ee').toFixed(0)} audio packets/s received) vs 40 ms ` +
        `(${audioRate('opus40').toFixed(0)}/s): receiver ${on.toFixed(0)} vs ${cpu('opus40').toFixed(0)} ms/s ` +
        `(${pct(ratio('opus40', 'e2ee'))}), senders ${send('e2ee').toFixed(0)} vs ${send('opus40').toFixed(0)} ms/s ` +
        `(${pct(ratio('opus40', 'e2ee', 'senderCpuMsPerS'))}); latency cost: +20 ms per audio packet`,
    );
    const row = (name: string, value: number, baseline: number, r: number, target: string): BenchResult => ({
      name,
      value,
      baseline,
      ratio: r,
      unit: 'ms CPU/s',
      target,
    });
    return [
      row('receiver CPU, E2EE on vs off (3 participants)', on, off, ratio('e2ee', 'off'), '≤ 1.10x (≤ 10 % overhead)'),
      row(
        'receiver CPU, encoded transform with no crypto vs off (Chromium’s share)',
        bare,
        off,
        ratio('transform', 'off'),
        'info: the floor of any encoded transform',
      ),
      row(
        'receiver CPU, E2EE on vs the same transform with no crypto (SFrame’s share)',
        on,
        bare,
        ratio('e2ee', 'transform'),
        '≤ 1.05x',
      ),
      row('receiver CPU, LiveKit’s E2EE worker vs off (peer)', lk, off, ratio('livekit', 'off'), 'info: the peer'),
      row('receiver CPU, Parley vs LiveKit’s E2EE worker', on, lk, ratio('e2ee', 'livekit'), '≤ 1.00x'),
      row(
        'sender CPU, Parley vs LiveKit’s E2EE worker',
        send('e2ee'),
        send('livekit'),
        ratio('e2ee', 'livekit', 'senderCpuMsPerS'),
        'info: both encrypt every frame',
      ),
      row('Firefox receiver CPU, E2EE on vs off', ffOn, ffOff, ratio('ff-e2ee', 'ff-off'), 'info: beside Chromium’s'),
      row(
        'Firefox receiver CPU, encoded transform with no crypto vs off (Firefox’s share)',
        ffBare,
        ffOff,
        ratio('ff-transform', 'ff-off'),
        'info: the floor of any encoded transform',
      ),
      row(
        'Firefox receiver CPU, E2EE on vs the same transform with no crypto (SFrame’s share)',
        ffOn,
        ffBare,
        ratio('ff-e2ee', 'ff-transform'),
        '≤ 1.05x',
      ),
      row(
        'receiver CPU, E2EE with Opus 40 ms vs 20 ms frames (+20 ms latency per packet)',
        cpu('opus40'),
        on,
        ratio('opus40', 'e2ee'),
        'info: worth +20 ms only if clearly cheaper',
      ),
      row(
        'sender CPU, E2EE with Opus 40 ms vs 20 ms frames (+20 ms latency per packet)',
        send('opus40'),
        send('e2ee'),
        ratio('opus40', 'e2ee', 'senderCpuMsPerS'),
        'info: worth +20 ms only if clearly cheaper',
      ),
    ];
  } finally {
    await firefox.close().catch(() => undefined);
    await senders.close().catch(() => undefined);
    await receiver.close().catch(() => undefined);
    await site.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
