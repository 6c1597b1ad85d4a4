import { DEVICE_LOG_GENESIS, type DeviceLog, type DeviceLogEntry, deviceLogBody } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toB64 } from './bytes.js';
import type { DeviceStore } from './device-store.js';
import { DeviceTrust, RECHECK_DELAY_MS } from './trust.js';

const userId = '0b7a5e6e-5d0a-4c43-9d6f-3f1c2a9d8e01';
const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

type Step = { action: 'add' | 'revoke'; deviceId: string; key: Uint8Array };

/** A hash-chained log of `steps` for `userId`, as the server appends it. */
async function log(steps: Step[]): Promise<DeviceLogEntry[]> {
  const entries: DeviceLogEntry[] = [];
  let prevHash = DEVICE_LOG_GENESIS;
  for (const [i, step] of steps.entries()) {
    const body = {
      userId,
      seq: i + 1,
      deviceId: step.deviceId,
      action: step.action,
      signaturePublicKey: toB64(step.key),
      credentialDigest: '00',
      at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      prevHash,
    };
    const hash = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(prevHash + deviceLogBody(body))));
    entries.push({ ...body, hash });
    prevHash = hash;
  }
  return entries;
}

/** A log adding each of `keys` as device-1, device-2, … */
const chain = (keys: Uint8Array[]) =>
  log(keys.map((k, i) => ({ action: 'add' as const, deviceId: `device-${i + 1}`, key: k })));

/** A Delivery Service that serves `entries` (replaceable) and counts the requests. */
function served(entries: DeviceLogEntry[]) {
  const api = {
    gets: 0,
    entries,
    get: async <T>() => {
      api.gets++;
      return { chains: [{ userId, entries: api.entries }] } satisfies DeviceLog as T;
    },
    post: async <T>(): Promise<T> => {
      throw new Error('no posts here');
    },
  };
  return api;
}

const key = (n: number) => new Uint8Array(32).fill(n);
const member = (deviceId: string, k: Uint8Array) => ({ userId, deviceId, signaturePublicKey: k });

describe('DeviceTrust: a log that came with the roster (docs/call-keys.md §5.2 item 4)', () => {
  it('checks a joiner against the log carried beside its key package, with no fetch', async () => {
    const log = await chain([key(1), key(2)]);
    const api = served(log);
    const trust = new DeviceTrust(api, {} as DeviceStore);
    trust.accept(userId, log);
    expect(await trust.verifyMember(member('device-2', key(2)))).toBe(true);
    expect(api.gets).toBe(0);
  });

  it('still asks the server when the carried log lacks the device, and refuses a key in neither', async () => {
    const carried = await chain([key(1)]);
    const api = served(await chain([key(1), key(2)]));
    const trust = new DeviceTrust(api, {} as DeviceStore);
    trust.accept(userId, carried);
    expect(await trust.verifyMember(member('device-2', key(2)))).toBe(true);
    expect(api.gets).toBe(1);
    expect(await trust.verifyMember(member('device-2', key(9)))).toBe(false);
  });

  it('refuses a carried log whose chain is broken, like a fetched one', async () => {
    const log = await chain([key(1), key(2)]);
    const forged = [log[0]!, { ...log[1]!, signaturePublicKey: toB64(key(7)) }];
    const trust = new DeviceTrust(served(forged), {} as DeviceStore);
    trust.accept(userId, forged);
    expect(await trust.verifyMember(member('device-2', key(7)))).toBe(false);
  });
});

describe('DeviceTrust: logs read afresh after a new epoch or roster (docs/call-keys.md §7.3 item 3)', () => {
  afterEach(() => vi.useRealTimers());

  it('reads them once for every re-check asked within the delay, and a revocation then shows', async () => {
    vi.useFakeTimers();
    const added = [
      { action: 'add' as const, deviceId: 'device-1', key: key(1) },
      { action: 'add' as const, deviceId: 'device-2', key: key(2) },
    ];
    const api = served(await log(added));
    const trust = new DeviceTrust(api, {} as DeviceStore);
    trust.prefetch([userId]);
    expect(await trust.verifyMember(member('device-1', key(1)))).toBe(true);
    expect(api.gets).toBe(1);

    api.entries = await log([...added, { action: 'revoke', deviceId: 'device-1', key: key(1) }]);
    const first = trust.recheck([userId]);
    const second = trust.recheck([userId]);
    // Until the delay has passed the held log answers: nothing is read in the middle of the join.
    await vi.advanceTimersByTimeAsync(RECHECK_DELAY_MS - 1);
    expect(api.gets).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([first, second]);
    expect(api.gets).toBe(2);
    expect(await trust.verifyMember(member('device-2', key(2)))).toBe(true);
    expect(api.gets).toBe(2);
    expect(await trust.verifyMember(member('device-1', key(1)))).toBe(false);
  });

  it('reads nothing once closed', async () => {
    vi.useFakeTimers();
    const api = served(await chain([key(1)]));
    const trust = new DeviceTrust(api, {} as DeviceStore);
    void trust.recheck([userId]);
    trust.close();
    await vi.advanceTimersByTimeAsync(RECHECK_DELAY_MS * 2);
    expect(api.gets).toBe(0);
  });
});
