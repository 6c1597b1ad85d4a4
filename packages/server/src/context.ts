import type { FastifyBaseLogger } from 'fastify';
import type { Cluster } from './cluster/cluster.js';
import type { Config } from './config.js';
import type { Database, Db } from './db/client.js';
import type { JanusService } from './janus/index.js';
import type { JanusPool } from './janus/pool.js';
import type { SecretBox } from './lib/secret-box.js';
import type { RealtimeHub } from './realtime/hub.js';

/** What every module gets: configuration, the database and the realtime hub. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  hub: RealtimeHub;
  /** What this node shares with the others (in memory when it is the only one). */
  cluster: Cluster;
  log: FastifyBaseLogger;
  /** The server's secrets key (sealed TOTP seeds); loaded, or generated into DATA_DIR, on first use. */
  secrets: () => SecretBox;
  /** [janus hook] The Janus media server, from when the app is ready until it closes; absent when calls are off. */
  janus?: JanusService | null;
  /** [janus hook] Every media server calls may be placed on (one for a single Janus); `janus` is its first. */
  janusPool?: JanusPool | null;
}
