import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { SHOTS_DIR, screenshot, signInWithPassword } from './browser.js';
import { PASSWORD } from './world.js';

export interface CallSeat {
  name: string;
  context: BrowserContext;
  page: Page;
  log: string[];
}

/**
 * A delegate in their own browser context (own cookies, own WebSocket, own fake camera), at laptop size unless
 * `device` says otherwise (a phone, say).
 */
export async function callSeat(
  browser: Browser,
  baseURL: string,
  email: string,
  name: string,
  password = PASSWORD,
  device: BrowserContextOptions = { viewport: { width: 1280, height: 720 } },
): Promise<CallSeat> {
  const context = await browser.newContext({ ...device, baseURL });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  await signInWithPassword(page, email, password);
  await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
  return { name, context, page, log };
}

/** The call's inbound media and key state as the page sees them, for a failed test's report (either engine). */
export function callDiagnostics(page: Pick<CallPage, 'evaluate'>): Promise<string> {
  return page
    .evaluate(async () => {
      const c = (
        window as unknown as { __parleyCall?: { inboundStats(): Promise<unknown>; snapshot(): { e2ee: unknown } } }
      ).__parleyCall;
      return JSON.stringify({ inbound: await c?.inboundStats(), e2ee: c?.snapshot().e2ee }, null, 1);
    })
    .catch((e: unknown) => String(e));
}

export async function reportSeats(seats: (CallSeat | undefined)[]): Promise<void> {
  for (const s of seats) {
    if (!s || s.page.isClosed()) continue;
    await screenshot(s.page, `failed-call-${s.name}`).catch(() => undefined);
    const diag = await callDiagnostics(s.page);
    fs.writeFileSync(path.join(SHOTS_DIR, `failed-call-${s.name}.json`), diag);
    console.error(`--- browser console (${s.name}) ---\n${s.log.slice(-80).join('\n')}\n--- url: ${s.page.url()}`);
  }
}

/**
 * A video meeting of the group, planned through the API as its chair (same-origin fetch from the app page). By default
 * it began a minute ago: inside its planned window, and within the clock difference a plan may lie in the past.
 */
export async function createVideoMeeting(
  page: Page,
  groupId: string,
  title: string,
  start = new Date(Date.now() - 60_000),
): Promise<string> {
  const end = new Date(start.getTime() + 2 * 3600_000);
  const res = await page.evaluate(
    async ({ groupId, body }) => {
      const r = await fetch(`/api/groups/${groupId}/meetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    },
    {
      groupId,
      body: {
        title,
        format: 'video',
        location: '',
        start: start.toISOString(),
        end: end.toISOString(),
        timeZone: 'Europe/Brussels',
        marking: 'shared',
      },
    },
  );
  if (res.status !== 201 && res.status !== 200) throw new Error(`meeting not created: ${JSON.stringify(res)}`);
  return (res.body as { id: string }).id;
}

/**
 * What the call helpers below need of a page: to evaluate in it and to wait. A Playwright page (Chromium), or a
 * Firefox page driven over WebDriver BiDi (support/firefox.ts).
 */
export type CallPage = Pick<Page, 'evaluate' | 'waitForTimeout'>;

/** The call room's session object, exposed on window by the call page for diagnostics and these tests. */
interface Inbound {
  participantId: string;
  stream: 'main' | 'screen';
  kind: string;
  framesDecoded: number;
  bytes: number;
  audioEnergy?: number;
}

export async function inbound(page: CallPage): Promise<Inbound[]> {
  return page.evaluate(async () => {
    const s = (window as unknown as { __parleyCall?: { inboundStats(): Promise<Inbound[]> } }).__parleyCall;
    return s ? s.inboundStats() : [];
  });
}

/** Height of the frames `page` decodes of `participantId`'s camera right now (0 before the first). */
export async function decodedHeight(page: CallPage, participantId: string): Promise<number> {
  const v = (await inbound(page)).find(
    (s) => s.participantId === participantId && s.stream === 'main' && s.kind === 'video',
  ) as { frameHeight?: number } | undefined;
  return v?.frameHeight ?? 0;
}

/** One simulcast layer of the page's own camera, as its sender reports it. */
export interface Outbound {
  rid: string | null;
  active: boolean;
  framesEncoded: number;
  frameHeight: number | null;
}

export async function outbound(page: CallPage): Promise<Outbound[]> {
  return page.evaluate(async () => {
    const s = (window as unknown as { __parleyCall?: { outboundStats(): Promise<Outbound[]> } }).__parleyCall;
    return s ? s.outboundStats() : [];
  });
}

export async function roster(page: CallPage): Promise<{ participantId: string; displayName: string }[]> {
  return page.evaluate(() => {
    const s = (
      window as unknown as {
        __parleyCall?: { snapshot(): { participants: { participantId: string; displayName: string }[] } };
      }
    ).__parleyCall;
    return (s?.snapshot().participants ?? []).map((p) => ({
      participantId: p.participantId,
      displayName: p.displayName,
    }));
  });
}

export async function snapshotField<T>(page: CallPage, field: string): Promise<T> {
  return page.evaluate(
    (f) => (window as unknown as { __parleyCall: { snapshot(): Record<string, unknown> } }).__parleyCall.snapshot()[f],
    field,
  ) as Promise<T>;
}

/** The participantId of `displayName` as `page` sees the roster (waits until they are in it). */
export async function idOf(page: CallPage, displayName: string, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = (await roster(page)).find((r) => r.displayName === displayName);
    if (p) return p.participantId;
    if (Date.now() > until) throw new Error(`${displayName} never appeared in the roster`);
    await page.waitForTimeout(250);
  }
}

/**
 * Waits until `page` decodes video of `participantId`'s `stream` and the count keeps rising (two samples apart),
 * so a frozen or undecryptable stream does not pass.
 */
export async function waitDecoding(
  page: CallPage,
  participantId: string,
  stream: 'main' | 'screen' = 'main',
  timeoutMs = 45_000,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const v = (await inbound(page)).find(
      (s) => s.participantId === participantId && s.stream === stream && s.kind === 'video',
    );
    const frames = v?.framesDecoded ?? 0;
    if (frames > 0 && last > 0 && frames > last) return frames;
    if (frames > 0) last = frames;
    if (Date.now() > until) throw new Error(`no rising video frames from ${participantId}/${stream} (last ${frames})`);
    await page.waitForTimeout(500);
  }
}

/** Waits until `page` plays `participantId`'s microphone: the energy of the decoded audio keeps rising. */
export async function waitHearing(page: CallPage, participantId: string, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const a = (await inbound(page)).find(
      (s) => s.participantId === participantId && s.stream === 'main' && s.kind === 'audio',
    );
    const energy = a?.audioEnergy ?? 0;
    if (energy > 0 && last > 0 && energy > last) return;
    if (energy > 0) last = energy;
    if (Date.now() > until) throw new Error(`no rising audio energy from ${participantId} (last ${energy})`);
    await page.waitForTimeout(500);
  }
}

/** Frames decoded from `participantId` now, 0 when nothing of theirs is subscribed. */
export async function framesFrom(page: CallPage, participantId: string, stream: 'main' | 'screen' = 'main') {
  const v = (await inbound(page)).find(
    (s) => s.participantId === participantId && s.stream === stream && s.kind === 'video',
  );
  return v?.framesDecoded ?? 0;
}

/** Mean luminance (0-255) of what the tile's <video> shows, drawn onto a canvas. */
export async function tileLuminance(page: CallPage, participantId: string, stream: 'main' | 'screen' = 'main') {
  return page.evaluate(
    ({ participantId, stream }) => {
      const video = document.querySelector<HTMLVideoElement>(
        `[data-participant-id="${participantId}"][data-stream="${stream}"] video`,
      );
      // No picture yet (an element just mounted knows its size before it holds a frame): nothing to measure, and
      // drawing it would read as black.
      if (!video || video.videoWidth === 0 || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return -1;
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 90;
      const g = canvas.getContext('2d')!;
      g.drawImage(video, 0, 0, canvas.width, canvas.height);
      const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
      return sum / (data.length / 4);
    },
    { participantId, stream },
  );
}

/** Opens the meeting's call page and waits for the pre-join check. */
export async function openPreJoin(seat: CallSeat, meetingId: string): Promise<void> {
  await seat.page.goto(`/meetings/${meetingId}/call`);
  await seat.page.getByRole('heading', { name: 'Join the secure call' }).waitFor();
}

export async function joinFromPreJoin(seat: CallSeat): Promise<void> {
  const join = seat.page.getByRole('button', { name: 'Join secure call' });
  const until = Date.now() + 30_000;
  while (!(await join.isEnabled())) {
    if (Date.now() > until) throw new Error(`${seat.name}: Join stays disabled`);
    await seat.page.waitForTimeout(200);
  }
  await join.click();
}

export async function waitInRoom(seat: CallSeat): Promise<void> {
  await seat.page.getByRole('toolbar', { name: 'Call controls' }).waitFor({ timeout: 30_000 });
}

/** A chair admits `displayName` from their side's lobby. */
export async function admit(chair: CallSeat, displayName: string): Promise<void> {
  await chair.page
    .getByRole('region', { name: /^Lobby \(\d+\)$/ })
    .getByRole('button', { name: `Admit ${displayName}` })
    .click();
}

/** A chair removes `displayName` from the call through the participant's menu. */
export async function removeFromCall(chair: CallSeat, displayName: string): Promise<void> {
  await chair.page
    .getByRole('button', { name: `Actions for ${displayName}` })
    .first()
    .click();
  await chair.page.getByRole('button', { name: 'Remove from call' }).click();
  await chair.page.getByRole('button', { name: `Confirm: remove ${displayName}` }).click();
}
