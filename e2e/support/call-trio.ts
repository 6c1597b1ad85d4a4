import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { screenshot } from './browser.js';
import { type BrowserWorld, ready, useBrowserWorld } from './browser-world.js';
import { type CallTab, callHarnessBundle, openCallTab, removeCallHarnessBundle } from './call-e2ee.js';
import { PASSWORD } from './world.js';

export interface CallTrio extends BrowserWorld {
  /** Aldoria's chair. */
  readonly a: CallTab;
  /** Belmora's chair. */
  readonly b: CallTab;
  /** Aldoria's expert. */
  readonly c: CallTab;
  /** A video meeting of the group, created by A, that the call is keyed for. */
  readonly meetingId: string;
}

export interface CallTrioOptions {
  /** Tab names, which also name the failure screenshots. */
  names: { a: string; b: string; c: string };
  meetingTitle: string;
  /** Prefix of the failure screenshots. */
  failurePrefix: string;
  /** How many of each tab's last console lines to print on failure (all when absent). */
  logTail?: number;
  /** Runs once the three tabs are signed in, before the meeting exists. */
  beforeMeeting?: (tabs: { a: CallTab; b: CallTab; c: CallTab }) => Promise<void>;
  /** More to print on failure, after the tabs' logs and states. */
  onFailure?: (tabs: { c: CallTab | undefined }) => Promise<void>;
}

/**
 * Registers, in the calling describe block, the setup the call E2EE specs share: the real server with the seeded
 * world and the bundled call harness (useBrowserWorld), one Chromium, the three delegates each in their own context, and a meeting;
 * on a failed test each tab's screenshot, console and harness state; teardown after all tests.
 */
export function useCallTrio(opts: CallTrioOptions): CallTrio {
  const env = useBrowserWorld({ alongside: callHarnessBundle });
  let a: CallTab | undefined;
  let b: CallTab | undefined;
  let c: CallTab | undefined;
  let meetingId: string | undefined;

  beforeAll(async () => {
    const { server, world: w, browser } = env;
    const who = (key: string, name: string) => ({ name, email: w.users[key]!.email, password: PASSWORD });
    a = await openCallTab(browser, server.url, who('aldChair', opts.names.a));
    b = await openCallTab(browser, server.url, who('belChair', opts.names.b));
    c = await openCallTab(browser, server.url, who('aldExpert', opts.names.c));
    await opts.beforeMeeting?.({ a, b, c });
    const start = new Date(Date.now() + 3600_000);
    const created = await a.call('api', 'POST', `/api/groups/${w.groupId}/meetings`, {
      title: opts.meetingTitle,
      format: 'video',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3600_000).toISOString(),
      timeZone: 'Europe/Vienna',
    });
    expect(created.status).toBe(201);
    meetingId = (created.body as { id: string }).id;
  });
  beforeEach(({ onTestFailed }) =>
    onTestFailed(async () => {
      for (const tab of [a, b, c]) {
        if (!tab) continue;
        await screenshot(tab.page, `${opts.failurePrefix}-${tab.name}`).catch(() => undefined);
        const log = opts.logTail === undefined ? tab.log : tab.log.slice(-opts.logTail);
        console.error(`--- ${tab.name} ---\n${log.join('\n')}`);
        console.error(JSON.stringify(await tab.call('state').catch(() => null), null, 1));
      }
      await opts.onFailure?.({ c });
    }),
  );
  afterAll(async () => {
    for (const tab of [a, b, c]) await tab?.call('close').catch(() => undefined);
    await removeCallHarnessBundle();
  });

  return {
    get server() {
      return env.server;
    },
    get world() {
      return env.world;
    },
    get browser() {
      return env.browser;
    },
    get a() {
      return ready(a, 'call tab a');
    },
    get b() {
      return ready(b, 'call tab b');
    },
    get c() {
      return ready(c, 'call tab c');
    },
    get meetingId() {
      return ready(meetingId, 'meetingId');
    },
  };
}
