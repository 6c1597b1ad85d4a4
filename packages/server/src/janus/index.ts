import { JanusClient } from './client.js';
import type { JanusOptions } from './config.js';
import type { JanusLogger } from './errors.js';
import { LineRedactor } from './redact.js';
import { JanusSupervisor, type SupervisorOptions } from './supervisor.js';
import { VideoRoomAdmin } from './videoroom.js';

export { JanusClient, JanusHandle, JanusSession, type Jsep } from './client.js';
export { type JanusOptions, janusOptionsFromEnv } from './config.js';
export { JanusError, VideoRoomErrors } from './errors.js';
export { JanusSupervisor } from './supervisor.js';
export * from './videoroom.js';

/** What the rest of the server sees of Janus (AppContext.janus). */
export interface JanusService {
  client: JanusClient;
  rooms: VideoRoomAdmin;
  /** Null when Parley talks to an external Janus (JANUS_URL). */
  supervisor: JanusSupervisor | null;
  /** Connected to a running Janus (readiness). */
  isUp(): boolean;
  /** Restarts of the child so far (metrics). */
  restarts(): number;
  stop(): Promise<void>;
}

/**
 * Starts the Janus child (or points at JANUS_URL) and connects the client. Resolves once connected; if Janus cannot
 * start at all (binary missing) it rejects, and the caller decides whether Parley runs without calls.
 */
export async function startJanus(
  opts: JanusOptions,
  log: JanusLogger,
  supervision: Omit<SupervisorOptions, 'janus' | 'log'> = {},
): Promise<JanusService> {
  let supervisor: JanusSupervisor | null = null;
  let adminKey: string;
  const redactor = new LineRedactor();
  if (opts.url) {
    if (!opts.adminKey) throw new Error('JANUS_URL needs JANUS_ADMIN_KEY (the VideoRoom admin_key of that Janus)');
    adminKey = opts.adminKey;
    redactor.add(opts.adminKey, opts.adminSecret);
  } else {
    supervisor = new JanusSupervisor({ ...supervision, janus: opts, log });
    await supervisor.start();
    adminKey = supervisor.secrets.adminKey;
  }
  const sup = supervisor;
  const client = new JanusClient({ url: sup ? () => sup.url : opts.url!, log });
  const rooms = new VideoRoomAdmin(client, { adminKey, redactor: sup?.redactor ?? redactor });
  client.on('reset', () => log.warn({}, 'janus: connection reset; sessions and handles are gone'));
  // An external Janus may come up later: the client keeps retrying and readiness reports it meanwhile.
  const connected = client.connect();
  connected.catch(() => {});
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), opts.url ? 5_000 : 15_000).unref());
  if ((await Promise.race([connected, timeout])) === 'timeout')
    log.warn({}, 'janus: not connected yet; retrying in the background');
  return {
    client,
    rooms,
    supervisor,
    isUp: () => client.connected,
    restarts: () => sup?.restarts ?? 0,
    stop: async () => {
      await client.close();
      await supervisor?.stop();
    },
  };
}
