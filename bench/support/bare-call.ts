// The bench's bare call: a plain VideoRoom on Parley's Janus, two bare pages publishing in it and a third page that
// joins, each join timed like a Parley join (bench/call.bench.ts). No Parley server, E2EE or MLS in its path.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CallServer } from '../../e2e/support/call-server.js';
import { VIDEOROOM_PLUGIN } from '../../packages/server/src/janus/videoroom.js';
import type { BarePageServer } from './bare-janus.js';
import { until } from './chromium.js';
import { SHOWN_PROBE, shownSince } from './first-shown.js';

/** A plain VideoRoom on the same Janus, as a bare deployment would create it: no E2EE requirement, no tokens. */
async function bareRoom(server: CallServer) {
  const janus = server.ctx.janus!;
  const session = await janus.client.createSession();
  const handle = await session.attach(VIDEOROOM_PLUGIN, 'bench-bare');
  const room = 900_000_000 + Math.floor(Math.random() * 1_000_000);
  await handle.message({
    request: 'create',
    admin_key: janus.supervisor!.secrets.adminKey,
    room,
    permanent: false,
    is_private: true,
    require_pvtid: true,
    publishers: 25,
    audiocodec: 'opus',
    videocodec: 'vp8',
    bitrate: 1_024_000,
    audiolevel_ext: true,
    audiolevel_event: true,
    notify_joining: true,
    record: false,
  });
  return {
    room,
    close: async () => {
      await handle.message({ request: 'destroy', room, permanent: false }).catch(() => undefined);
      await session.destroy().catch(() => undefined);
    },
  };
}

export class BareCall {
  private constructor(
    private readonly janusUrl: string,
    private readonly pageUrl: string,
    private readonly room: number,
    private readonly contexts: BrowserContext[],
    private readonly joiner: Page,
    private readonly closeRoom: () => Promise<void>,
  ) {}

  /** The room with its two publishers up and watching each other, and the joiner's page open. */
  static async start(server: CallServer, browser: Browser, pageServer: BarePageServer): Promise<BareCall> {
    const janusUrl = server.ctx.janus!.supervisor!.url;
    const { room, close } = await bareRoom(server);
    const contexts = await Promise.all(
      [1, 2, 3].map(() => browser.newContext({ viewport: { width: 1280, height: 720 } })),
    );
    const [pubA, pubB, joiner] = await Promise.all(contexts.map((c) => c.newPage()));
    const call = new BareCall(janusUrl, pageServer.url, room, contexts, joiner!, close);
    try {
      const publishers: { id: number; privateId: number }[] = [];
      for (const [i, page] of [pubA!, pubB!].entries()) {
        await page.goto(pageServer.url);
        await page.evaluate(`window.bare.connect(${JSON.stringify(janusUrl)})`);
        publishers.push(
          (await page.evaluate(`window.bare.publish(${room}, 'bare-publisher-${i + 1}')`)) as {
            id: number;
            privateId: number;
          },
        );
      }
      // As in the Parley call, the two already present also watch each other.
      await pubA!.evaluate(`window.bare.watch(${room}, ${publishers[0]!.privateId}, [${publishers[1]!.id}])`);
      await pubB!.evaluate(`window.bare.watch(${room}, ${publishers[1]!.privateId}, [${publishers[0]!.id}])`);
      return call;
    } catch (error) {
      await call.close();
      throw error;
    }
  }

  /** One join: ms from the click to the first decode a getStats poll sees, and to the first frame on screen. */
  async join(n: number, timeoutMs: number): Promise<{ decoded: number; shown: number | null }> {
    const joiner = this.joiner;
    await joiner.goto(this.pageUrl);
    await joiner.evaluate(`document.getElementById('join').dataset.room = '${this.room}'`);
    await joiner.evaluate(`window.bare.connect(${JSON.stringify(this.janusUrl)}).then(() => window.bare.prepare())`);
    await joiner.evaluate(SHOWN_PROBE);
    await joiner.click('#join');
    const decoded = await until(
      `bare join ${n}: first remote frame`,
      async () => {
        const s = (await joiner.evaluate(
          '({ ms: window.bare.state.firstFrameMs, error: window.bare.state.error })',
        )) as {
          ms: number | null;
          error: string | null;
        };
        if (s.error) throw new Error(`bare join ${n}: ${s.error}`);
        return s.ms ?? undefined;
      },
      timeoutMs,
    );
    const shown = await shownSince(joiner, 'window.bare.state.clickAt');
    await joiner.evaluate('window.bare.leave()');
    return { decoded, shown };
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    await this.closeRoom();
  }
}
