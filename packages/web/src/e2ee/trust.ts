// Device-key checks: every MLS member's signature key must be the active key of that device in its user's
// append-only, hash-chained device-key log, and the log must extend what this browser saw before
// (key-transparency-lite: a server that rewrites a user's history, or slips in a device, shows up as a warning).
import { type DeliveryApi, keyFingerprint, type MemberCredentialCheck, type MlsSession } from '@parley/e2ee';
import { type DeviceLog, type DeviceLogEntry, verifyDeviceChain } from '@parley/protocol';
import { toB64 } from './bytes.js';
import type { DeviceStore } from './device-store.js';

interface Chain {
  ok: boolean;
  reason?: string;
  active: Map<string, string>;
  /** Hash of each entry, in order: to check a later log extends this one. */
  hashes: string[];
}

/** What this browser remembers of a user's log: its length, head hash and the device keys seen. */
export interface SeenRecord {
  length: number;
  head: string;
  keys: Record<string, string>;
}

export type KeyWarning = 'new' | 'changed' | null;

/**
 * How long after a new epoch or roster the members' logs are read afresh: past the join it came with, whose Add,
 * Welcome and media setup would otherwise share the server and the page with those reads (docs/call-keys.md §7.3 item 3).
 */
export const RECHECK_DELAY_MS = 1_500;

/** Pure: how a verified chain compares with what was seen before. */
export function compareWithSeen(
  seen: SeenRecord | undefined,
  hashes: readonly string[],
  deviceId: string,
  key: string,
): KeyWarning {
  if (!seen) return 'new';
  // The log is append-only: the entry we saw last must still be where it was.
  if (seen.length > hashes.length || (seen.length > 0 && hashes[seen.length - 1] !== seen.head)) return 'changed';
  const before = seen.keys[deviceId];
  if (before === undefined) return 'new';
  return before === key ? null : 'changed';
}

export class DeviceTrust {
  readonly #chains = new Map<string, Promise<Chain>>();
  /** Warnings stay up for the whole call even though the keys are remembered at once. */
  readonly #warnings = new Map<string, KeyWarning>();
  /** Users whose logs the next re-check reads afresh, and that re-check (one for everything asked meanwhile). */
  readonly #due = new Set<string>();
  #recheck: { timer: ReturnType<typeof setTimeout>; done: Promise<void> } | null = null;

  constructor(
    private readonly api: DeliveryApi,
    private readonly store: DeviceStore,
  ) {}

  /** Drops cached logs (after a roster change or a new epoch, devices may have been added or revoked). */
  invalidate(): void {
    this.#chains.clear();
  }

  /**
   * Fetches the logs of those of `userIds` not cached yet, in one request per 200: a call's roster is known before
   * its Welcome arrives, and ts-mls checks the leaves one after another, so each log fetched then is a round trip
   * on the joiner's path. `fresh` drops the cached copies first (a new epoch: devices may have been revoked).
   */
  prefetch(userIds: readonly string[], fresh = false): void {
    const wanted = [...new Set(userIds)].filter((u) => fresh || !this.#chains.has(u));
    for (let i = 0; i < wanted.length; i += 200) {
      const chunk = wanted.slice(i, i + 200);
      const log = this.api.get<DeviceLog>(`/api/devices/log?userIds=${chunk.map(encodeURIComponent).join(',')}`);
      for (const userId of chunk)
        this.#remember(
          userId,
          log.then((l) => this.#verify(userId, l.chains.find((c) => c.userId === userId)?.entries ?? [])),
        );
    }
  }

  /**
   * Reads the logs of `userIds` afresh `RECHECK_DELAY_MS` from the first call on, all in one request: a new epoch or
   * roster may come with a device added or revoked. Until then the cached logs answer, as they did for the MLS checks
   * of that epoch (`verifyMember` asks again whenever a key is not in them). Resolves once the fresh logs are in.
   */
  recheck(userIds: readonly string[]): Promise<void> {
    for (const u of userIds) this.#due.add(u);
    if (this.#recheck) return this.#recheck.done;
    let timer!: ReturnType<typeof setTimeout>;
    const done = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, RECHECK_DELAY_MS);
    }).then(async () => {
      const ids = [...this.#due];
      this.#due.clear();
      this.#recheck = null;
      this.prefetch(ids, true);
      await Promise.allSettled(ids.map((u) => this.#chains.get(u)));
    });
    this.#recheck = { timer, done };
    return done;
  }

  /** No more re-checks (the call or thread is over). */
  close(): void {
    if (this.#recheck) clearTimeout(this.#recheck.timer);
    this.#recheck = null;
    this.#due.clear();
  }

  /** A user's log that came by another way than a fetch (a joiner's, with its key package in the roster). */
  accept(userId: string, entries: DeviceLogEntry[]): void {
    this.#remember(userId, this.#verify(userId, entries));
  }

  #chain(userId: string, fresh = false): Promise<Chain> {
    this.prefetch([userId], fresh);
    return this.#chains.get(userId)!;
  }

  #remember(userId: string, chain: Promise<Chain>): Promise<Chain> {
    this.#chains.set(userId, chain);
    chain.catch(() => {
      if (this.#chains.get(userId) === chain) this.#chains.delete(userId);
    });
    return chain;
  }

  async #verify(userId: string, entries: DeviceLogEntry[]): Promise<Chain> {
    const verified = await verifyDeviceChain(userId, entries);
    const hashes = entries.map((e) => e.hash);
    if (!verified.ok) return { ok: false, reason: verified.reason, active: new Map(), hashes };
    return { ok: true, active: verified.active, hashes };
  }

  /**
   * The MLS `verifyMember` hook: ts-mls calls it for every leaf it validates (adds, Welcomes, commits). A key that is
   * not the device's active key in a verified log makes ts-mls refuse the message.
   */
  verifyMember = async (member: MemberCredentialCheck): Promise<boolean> => {
    const key = toB64(member.signaturePublicKey);
    let chain = await this.#chain(member.userId);
    if (chain.ok && chain.active.get(member.deviceId) === key) return true;
    // Not in the cached copy: the device may have been registered since. Ask once more.
    chain = await this.#chain(member.userId, true);
    return chain.ok && chain.active.get(member.deviceId) === key;
  };

  /** Every member of the session's current epoch, assessed (a member whose log cannot be read counts as changed). */
  assessMembers(session: MlsSession | undefined) {
    const list = session?.active ? session.members() : [];
    return Promise.all(
      list.map(async (m) => ({
        leafIndex: m.leafIndex,
        userId: m.userId,
        deviceId: m.deviceId,
        ...(await this.assess(m).catch(() => ({ verified: false, warning: 'changed' as const, fingerprint: '' }))),
      })),
    );
  }

  /** Checks one member and remembers its key; `warning` says whether it is new to this browser or changed. */
  async assess(
    member: MemberCredentialCheck,
  ): Promise<{ verified: boolean; warning: KeyWarning; fingerprint: string }> {
    const key = toB64(member.signaturePublicKey);
    const fingerprint = keyFingerprint(member.signaturePublicKey);
    const id = `${member.userId}:${member.deviceId}`;
    const chain = await this.#chain(member.userId);
    const verified = chain.ok && chain.active.get(member.deviceId) === key;
    if (!verified) return { verified, warning: 'changed', fingerprint };
    let warning = this.#warnings.get(id);
    if (warning === undefined) {
      const seen = await this.store.getPlain<SeenRecord>(`seen:${member.userId}`);
      warning = compareWithSeen(seen, chain.hashes, member.deviceId, key);
      this.#warnings.set(id, warning);
      // A log that no longer extends what we saw is not adopted silently: the warning comes back next time.
      if (warning !== 'changed') {
        const keys = { ...(seen?.keys ?? {}), [member.deviceId]: key };
        await this.store.putPlain(`seen:${member.userId}`, {
          length: chain.hashes.length,
          head: chain.hashes.at(-1) ?? '',
          keys,
        } satisfies SeenRecord);
      }
    }
    return { verified, warning, fingerprint };
  }
}
