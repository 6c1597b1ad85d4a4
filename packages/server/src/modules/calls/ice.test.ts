import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callOptionsFromEnv, iceServersFor } from './ice.js';

describe('ICE servers for browsers', () => {
  it('hands out nothing by default (host candidates on the LAN or loopback)', () => {
    expect(iceServersFor(callOptionsFromEnv({}), 'u')).toEqual([]);
  });

  it('issues coturn use-auth-secret credentials: `<expiry>:<userId>` and base64 HMAC-SHA1', () => {
    const opts = callOptionsFromEnv({
      ICE_SERVERS: 'stun:stun.example.org:3478',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349?transport=tcp',
      TURN_SECRET: 'a-very-long-shared-secret',
      TURN_TTL_SECONDS: '3600',
    });
    const now = Date.UTC(2030, 0, 1);
    const [stun, turn] = iceServersFor(opts, '2b0f7c2e-0000-4000-8000-000000000001', now);
    expect(stun).toEqual({ urls: ['stun:stun.example.org:3478'] });
    const expiry = now / 1000 + 3600;
    expect(turn).toEqual({
      urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp'],
      username: `${expiry}:2b0f7c2e-0000-4000-8000-000000000001`,
      credential: createHmac('sha1', 'a-very-long-shared-secret')
        .update(`${expiry}:2b0f7c2e-0000-4000-8000-000000000001`)
        .digest('base64'),
    });
  });

  it('refuses TURN without a secret, odd URLs and odd TTLs', () => {
    expect(() => callOptionsFromEnv({ TURN_URLS: 'turn:x:3478' })).toThrow(/TURN_SECRET/);
    expect(() => callOptionsFromEnv({ ICE_SERVERS: 'http://x' })).toThrow(/stun/);
    expect(() => callOptionsFromEnv({ TURN_TTL_SECONDS: '5' })).toThrow(/TURN_TTL_SECONDS/);
  });
});
