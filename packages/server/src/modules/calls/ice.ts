import { createHmac } from 'node:crypto';
import type { IceServer } from '@parley/protocol';

/** ICE settings handed to browsers: plain STUN/TURN URLs, and coturn's time-limited credentials (use-auth-secret). */
export interface CallOptions {
  /** ICE_SERVERS: comma-separated URLs handed out as they are (e.g. `stun:stun.example.org:3478`). */
  iceServers: string[];
  /** TURN_URLS + TURN_SECRET (+ TURN_TTL_SECONDS): a credential per user and call join, never a standing password. */
  turn: { urls: string[]; secret: string; ttlSeconds: number } | null;
}

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/;

export function callOptionsFromEnv(env: NodeJS.ProcessEnv): CallOptions {
  const iceServers = list(env.ICE_SERVERS);
  const turnUrls = list(env.TURN_URLS);
  for (const u of [...iceServers, ...turnUrls])
    if (!ICE_URL.test(u)) throw new Error(`ICE_SERVERS/TURN_URLS: not a stun:/turn: URL: "${u}"`);
  const secret = env.TURN_SECRET ?? '';
  if (turnUrls.length > 0 && secret.length < 16)
    throw new Error('TURN_URLS needs TURN_SECRET (at least 16 characters)');
  const rawTtl = env.TURN_TTL_SECONDS;
  const ttlSeconds = rawTtl ? Number(rawTtl) : 4 * 3600;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 7 * 24 * 3600)
    throw new Error(`TURN_TTL_SECONDS must be an integer from 60 to 604800, got "${rawTtl}"`);
  return { iceServers, turn: turnUrls.length > 0 ? { urls: turnUrls, secret, ttlSeconds } : null };
}

/**
 * The ICE servers one user gets now. TURN credentials follow coturn's REST scheme: username `<expiry>:<userId>`,
 * credential base64(HMAC-SHA1(secret, username)); the user id is an opaque UUID, since coturn logs usernames.
 */
export function iceServersFor(opts: CallOptions, userId: string, now = Date.now()): IceServer[] {
  const out: IceServer[] = [];
  if (opts.iceServers.length > 0) out.push({ urls: [...opts.iceServers] });
  if (opts.turn) {
    const username = `${Math.floor(now / 1000) + opts.turn.ttlSeconds}:${userId}`;
    const credential = createHmac('sha1', opts.turn.secret).update(username).digest('base64');
    out.push({ urls: [...opts.turn.urls], username, credential });
  }
  return out;
}
