// Parley's call UI driven the way a delegate uses it, for the browser benches: sign in through the form, plan a
// video meeting, start/join/leave the call. The e2e helpers (e2e/support/call-room.ts) import vitest, so the few
// steps the benches need are repeated here.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD } from '../../e2e/support/world.js';

export interface Seat {
  name: string;
  context: BrowserContext;
  page: Page;
}

export async function seat(browser: Browser, baseURL: string, email: string, name: string): Promise<Seat> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 720 } });
  // Generous: on a loaded shared machine a page step can take tens of seconds; the figures are timed in the page.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
  return { name, context, page };
}

export async function createVideoMeeting(page: Page, groupId: string, title: string): Promise<string> {
  // Begun a minute ago: inside its planned window, and within the minutes of clock difference a plan may lie in the past.
  const start = new Date(Date.now() - 60_000);
  const body = {
    title,
    format: 'video',
    location: '',
    start: start.toISOString(),
    end: new Date(start.getTime() + 2 * 3600_000).toISOString(),
    timeZone: 'Europe/Brussels',
    marking: 'shared',
  };
  const res = await page.evaluate(
    async ({ groupId, body }) => {
      const r = await fetch(`/api/groups/${groupId}/meetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as { id: string } };
    },
    { groupId, body },
  );
  if (res.status !== 201 && res.status !== 200) throw new Error(`meeting not created: ${JSON.stringify(res)}`);
  return res.body.id;
}

const joinButton = (s: Seat) => s.page.getByRole('button', { name: 'Join secure call' });

/** Opens the call page and waits until the pre-join check enables Join (camera preview up, E2EE loaded). */
export async function openPreJoin(s: Seat, meetingId: string): Promise<void> {
  await s.page.goto(`/meetings/${meetingId}/call`);
  await s.page.getByRole('heading', { name: 'Join the secure call' }).waitFor();
  await joinButton(s).waitFor();
  for (let i = 0; i < 300 && !(await joinButton(s).isEnabled()); i++) await s.page.waitForTimeout(100);
}

export async function clickJoin(s: Seat): Promise<void> {
  await joinButton(s).click();
}

export async function waitInRoom(s: Seat): Promise<void> {
  await s.page.getByRole('toolbar', { name: 'Call controls' }).waitFor({ timeout: 45_000 });
}

export async function leaveCall(s: Seat): Promise<void> {
  await s.page.getByRole('toolbar', { name: 'Call controls' }).getByRole('button', { name: 'Leave' }).click();
  await s.page.getByRole('heading', { name: 'You left the call' }).waitFor();
}

/** Participants in the call as `s` sees the roster (the call page's diagnostics object). */
export function participantCount(s: Seat): Promise<number> {
  return s.page.evaluate(
    '(window.__parleyCall ? window.__parleyCall.snapshot().participants.length : 0)',
  ) as Promise<number>;
}

/** Videos `s` decodes from others right now (frames decoded > 0). */
export function decodingVideos(s: Seat): Promise<number> {
  return s.page.evaluate(
    `(async () => {
      const c = window.__parleyCall;
      const stats = c ? await c.inboundStats() : [];
      return stats.filter((v) => v.kind === 'video' && v.framesDecoded > 0).length;
    })()`,
  ) as Promise<number>;
}
