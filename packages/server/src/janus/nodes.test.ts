import { describe, expect, it } from 'vitest';
import { janusOptionsFromEnv, parseJanusNodes } from './config.js';

describe('JANUS_NODES', () => {
  it('reads id, URL and admin key of each node, separated by ";" or new lines', () => {
    expect(parseJanusNodes('media-1 ws://10.0.0.5:8188 k1;\n media-2  wss://m2.example:443/janus k2\n')).toEqual([
      { id: 'media-1', url: 'ws://10.0.0.5:8188', adminKey: 'k1' },
      { id: 'media-2', url: 'wss://m2.example:443/janus', adminKey: 'k2' },
    ]);
    expect(janusOptionsFromEnv({ JANUS_NODES: 'a ws://h:1 k' })).toMatchObject({ enabled: true, failoverMs: 4000 });
  });

  it('refuses a malformed entry, naming what is wrong', () => {
    expect(() => parseJanusNodes('media-1 ws://h:1')).toThrow(/"<id> <ws-url> <admin-key>"/);
    expect(() => parseJanusNodes('media-1 http://h:1 k')).toThrow(/media-1 needs a ws/);
    expect(() => parseJanusNodes('a ws://h:1 k; a ws://h:2 k')).toThrow(/listed twice/);
    expect(() => parseJanusNodes('a/b ws://h:1 k')).toThrow(/invalid node id/);
    expect(() => janusOptionsFromEnv({ JANUS_FAILOVER_MS: '10' })).toThrow(/JANUS_FAILOVER_MS/);
  });
});
