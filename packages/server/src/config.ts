import path from 'node:path';
import { type JanusOptions, janusOptionsFromEnv } from './janus/config.js';
import { type CallOptions, callOptionsFromEnv } from './modules/calls/ice.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  publicUrl: string;
  /** Origins allowed to make state-changing requests and open the WebSocket. */
  allowedOrigins: string[];
  secureCookies: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  sessionTtlHours: number;
  webRoot: string | null;
  rpName: string;
  /** [janus hook] Janus and ICE settings (JANUS, JANUS_URL, ICE_STUN_SERVER, JANUS_RTP_PORT_RANGE, …). */
  janus: JanusOptions;
  /** [calls hook] ICE servers for browsers: ICE_SERVERS, TURN_URLS, TURN_SECRET, TURN_TTL_SECONDS. */
  calls: CallOptions;
}

function intFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = intFromEnv('PORT', 8080, env);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (env.PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  let publicOrigin: string;
  try {
    publicOrigin = new URL(publicUrl).origin;
  } catch {
    throw new Error(`PUBLIC_URL is not a valid URL: "${publicUrl}"`);
  }
  const origins = new Set([publicOrigin]);
  // Without an explicit PUBLIC_URL the same local server is reached as 127.0.0.1 or localhost.
  if (!env.PUBLIC_URL) {
    origins.add(`http://127.0.0.1:${port}`);
    origins.add(`http://localhost:${port}`);
  }
  for (const o of (env.ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean))
    origins.add(o);
  return {
    port,
    host,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || null,
    publicUrl,
    allowedOrigins: [...origins],
    secureCookies: publicUrl.startsWith('https://'),
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimitBytes: intFromEnv('BODY_LIMIT_BYTES', 256 * 1024, env),
    sessionTtlHours: intFromEnv('SESSION_TTL_HOURS', 12, env),
    webRoot: env.WEB_ROOT || null,
    rpName: env.RP_NAME || 'Parley',
    janus: janusOptionsFromEnv(env), // [janus hook]
    calls: callOptionsFromEnv(env), // [calls hook]
    ...overrides,
  };
}
