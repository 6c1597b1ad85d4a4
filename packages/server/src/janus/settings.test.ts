import { describe, expect, it } from 'vitest';
import { janusJcfg, janusOptionsFromEnv, newSecrets } from './config.js';
import { LineRedactor, redactMessage } from './redact.js';

describe('Janus log redaction', () => {
  it('drops secret-bearing fields from messages at any depth, keeping the rest', () => {
    const msg = {
      janus: 'message',
      body: { request: 'create', secret: 's3', admin_key: 'k', allowed: ['t1'], pin: '1', room: 7 },
      nested: [{ token: 'tok' }],
    };
    expect(redactMessage(msg)).toEqual({
      janus: 'message',
      body: {
        request: 'create',
        secret: '[redacted]',
        admin_key: '[redacted]',
        allowed: '[redacted]',
        pin: '[redacted]',
        room: 7,
      },
      nested: [{ token: '[redacted]' }],
    });
  });

  it('redacts Janus log lines by pattern and by known value', () => {
    const r = new LineRedactor();
    r.add('per-start-admin-secret');
    expect(r.line('Created VideoRoom: 12 (x, secret: abcdef, pin: no pin, pvtid: required)')).toBe(
      'Created VideoRoom: 12 (x, secret: [redacted], pin: no pin, pvtid: required)',
    );
    expect(r.line('{"request":"join","token":"tok-1","allowed":["a","b"]}')).toBe(
      '{"request":"join","token":[redacted],"allowed":[redacted]}',
    );
    expect(r.line('admin secret is per-start-admin-secret')).toBe('admin secret is [redacted]');
  });
});

describe('Janus settings from the environment', () => {
  it('is off by default and on with JANUS=1 or JANUS_URL', () => {
    expect(janusOptionsFromEnv({}).enabled).toBe(false);
    expect(janusOptionsFromEnv({ JANUS: '1' }).enabled).toBe(true);
    expect(janusOptionsFromEnv({ JANUS_URL: 'ws://10.0.0.5:8188' }).enabled).toBe(true);
  });

  it('refuses values that could break out of the generated configuration', () => {
    expect(() => janusOptionsFromEnv({ JANUS_NAT_1_1_MAPPING: '1.2.3.4"\nadmin_secret = "x' })).toThrow(/invalid/);
    expect(() => janusOptionsFromEnv({ JANUS_RTP_PORT_RANGE: '40000-20000' })).toThrow(/range/);
    expect(janusOptionsFromEnv({ JANUS_RTP_PORT_RANGE: '20000-20999' }).ice.rtpPortRange).toBe('20000-20999');
  });

  it('puts the NAT and RTP settings into janus.jcfg', () => {
    const opts = janusOptionsFromEnv({
      ICE_STUN_SERVER: 'stun.example.org:3479',
      JANUS_NAT_1_1_MAPPING: '203.0.113.10',
      JANUS_ICE_ENFORCE_LIST: 'eth0',
      JANUS_RTP_PORT_RANGE: '20000-20999',
    });
    const text = janusJcfg('/tmp/x', opts, newSecrets());
    expect(text).toContain('stun_server = "stun.example.org"');
    expect(text).toContain('stun_port = 3479');
    expect(text).toContain('nat_1_1_mapping = "203.0.113.10"');
    expect(text).toContain('ice_enforce_list = "eth0"');
    expect(text).toContain('rtp_port_range = "20000-20999"');
    expect(text).toContain('ice_lite = true');
  });
});
