import path from 'node:path';
import { defaultNodeId } from './cluster/cluster.js';
import { type JanusOptions, janusOptionsFromEnv } from './janus/config.js';
import { type CallOptions, callOptionsFromEnv } from './modules/calls/ice.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** Several nodes share events, presence, counters and delayed jobs through this Redis (REDIS_URL). */
  redisUrl: string | null;
  /** This node's name in /metrics and in shared presence (NODE_ID; default: host name and a random suffix). */
  nodeId: string;
  publicUrl: string;
  /** Origins allowed to make state-changing requests and open the WebSocket. */
  allowedOrigins: string[];
  secureCookies: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  sessionTtlHours: number;
  /** How often each account signed in through an identity provider is checked there (IDENTITY_CHECK_MINUTES). */
  identityCheckMinutes: number;
  webRoot: string | null;
  rpName: string;
  /**
   * Which proxies' X-Forwarded-For to believe: `false` ignores the header; a number trusts that many hops in front
   * of the server; a list trusts those addresses or CIDR ranges (TRUST_PROXY).
   */
  trustProxy: TrustProxy;
  /** Where the key that encrypts secrets at rest comes from (SECRETS_KEY_FILE, SECRETS_KEY). */
  secretsKey: SecretsKeySource;
  /** [janus hook] Janus and ICE settings (JANUS, JANUS_URL, ICE_STUN_SERVER, JANUS_RTP_PORT_RANGE, …). */
  janus: JanusOptions;
  /** [calls hook] ICE servers for browsers: ICE_SERVERS, TURN_URLS, TURN_SECRET, TURN_TTL_SECONDS. */
  calls: CallOptions;
}

export type TrustProxy = false | number | string[];

export type SecretsKeySource = { kind: 'env'; value: string } | { kind: 'file'; path: string; generate: boolean };

/** TRUST_PROXY: unset, `0` or `false` = off; a hop count; or a comma-separated list of addresses / CIDR ranges. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim();
  if (value === '' || value === '0' || value.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value.toLowerCase() === 'true')
    throw new Error(
      'TRUST_PROXY=true would believe X-Forwarded-For from anyone: give the number of proxies in front of Parley (e.g. 1) or their addresses',
    );
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list)
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry) && !['loopback', 'linklocal', 'uniquelocal'].includes(entry))
      throw new Error(`TRUST_PROXY: "${entry}" is not an IP address, a CIDR range, loopback, linklocal or uniquelocal`);
  return list;
}

function secretsKeyFromEnv(env: NodeJS.ProcessEnv, dataDir: string): SecretsKeySource {
  if (env.SECRETS_KEY) return { kind: 'env', value: env.SECRETS_KEY };
  if (env.SECRETS_KEY_FILE) return { kind: 'file', path: path.resolve(env.SECRETS_KEY_FILE), generate: false };
  // Also with DATABASE_URL: the key then lives on this machine, not in the database (a stolen dump stays sealed).
  // Several nodes must share one key through SECRETS_KEY_FILE; a node with another key says so (docs/deploy.md).
  return { kind: 'file', path: path.join(dataDir, 'secrets.key'), generate: true };
}

function intFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** Addresses that mean "this machine": a browser on it reaches them as `localhost`. */
const LOCAL_BIND = new Set(['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost']);

/**
 * The URL people use when PUBLIC_URL is not set. A local bind is published as `localhost`, not as the IP: WebAuthn
 * refuses an IP address as its relying-party id ("127.0.0.1 is an invalid domain"), so passkeys work out of the box.
 */
function defaultPublicUrl(host: string, port: number): string {
  if (LOCAL_BIND.has(host)) return `http://localhost:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = intFromEnv('PORT', 8080, env);
  const host = env.HOST || '127.0.0.1';
  const publicUrl = (env.PUBLIC_URL || defaultPublicUrl(host, port)).replace(/\/+$/, '');
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
  const dataDir = path.resolve(env.DATA_DIR || './data');
  return {
    port,
    host,
    dataDir,
    databaseUrl: env.DATABASE_URL || null,
    redisUrl: env.REDIS_URL || null,
    nodeId: defaultNodeId(env),
    publicUrl,
    allowedOrigins: [...origins],
    secureCookies: publicUrl.startsWith('https://'),
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimitBytes: intFromEnv('BODY_LIMIT_BYTES', 256 * 1024, env),
    sessionTtlHours: intFromEnv('SESSION_TTL_HOURS', 12, env),
    identityCheckMinutes: intFromEnv('IDENTITY_CHECK_MINUTES', 10, env),
    webRoot: env.WEB_ROOT || null,
    rpName: env.RP_NAME || 'Parley',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    secretsKey: secretsKeyFromEnv(env, dataDir),
    janus: janusOptionsFromEnv(env), // [janus hook]
    calls: callOptionsFromEnv(env), // [calls hook]
    ...overrides,
  };
}

const isIpLiteral = (hostname: string): boolean =>
  hostname.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.includes(':');
const isLoopbackName = (hostname: string): boolean => hostname === 'localhost' || hostname.endsWith('.localhost');

/**
 * What in the configuration will stop sign-in from working, in words an operator can act on; printed at start.
 * Empty when all is well.
 */
export function configProblems(config: Config): string[] {
  const problems: string[] = [];
  const url = new URL(config.publicUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`PUBLIC_URL must start with https:// (or http:// for this machine only), not "${url.protocol}".`);
    return problems;
  }
  if (isIpLiteral(url.hostname)) {
    const suggestion = LOCAL_BIND.has(url.hostname.replace(/^\[|\]$/g, ''))
      ? `http://localhost:${url.port || config.port}`
      : 'a host name, e.g. https://parley.example.org';
    problems.push(
      `PUBLIC_URL uses the IP address ${url.hostname}: browsers refuse passkeys on an IP address. Set PUBLIC_URL to ${suggestion}.`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackName(url.hostname) && !isIpLiteral(url.hostname)) {
    problems.push(
      `PUBLIC_URL is plain http:// on ${url.hostname}: browsers allow passkeys and secure calls only over https:// (or on localhost). Serve Parley behind TLS and set PUBLIC_URL to https://${url.host}.`,
    );
  }
  if (isLoopbackName(url.hostname) && LOCAL_BIND.has(config.host)) {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (port !== config.port) {
      problems.push(
        `PUBLIC_URL names port ${port} on this machine, but Parley listens on ${config.port}: a browser at ${config.publicUrl} reaches nothing, and one at http://localhost:${config.port} is refused as a foreign origin. Make PUBLIC_URL and PORT agree (or put a proxy on port ${port}).`,
      );
    }
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    problems.push(
      `PUBLIC_URL must be an origin only (scheme, host, port), without a path: Parley is served at the root.`,
    );
  }
  return problems;
}
