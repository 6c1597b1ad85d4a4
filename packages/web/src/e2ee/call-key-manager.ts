// One device's membership in one call's MLS group (context `call:<meetingId>`), driven through the Delivery Service.
// All MLS work runs in one queue: catch-up, commits, adds, removals and chat never interleave, and local state only
// moves when the server has accepted a commit (or delivered someone else's).
import {
  deriveEpochSenderKeys,
  MLS_DEFAULT_CIPHER_SUITE,
  MLS_SFRAME_DEFAULT_EPOCH_BITS,
  MlsSession,
  MlsSessionError,
  type PendingCommit,
  safetyCode,
} from '@parley/e2ee';
import type { DomainEvent } from '@parley/protocol';
import { planAdds } from './add-plan.js';
import { fromB64 } from './bytes.js';
import { DeliveryService, decodeMessage, statusOf, type WelcomeEntry } from './delivery.js';
import type { LocalDevice } from './device.js';
import type { DeviceStore } from './device-store.js';
import { SessionStore } from './session-store.js';
import type { DeviceTrust } from './trust.js';
import type { E2eePhase, E2eeRealtime, RosterEntry } from './types.js';
import type { EpochKeysMessage } from './worker-protocol.js';

/** How long a sender keeps the old key after a commit that removed nobody, so receivers install the new one first. */
export const SENDER_SWITCH_DELAY_MS = 300;
/** Members other than the lowest leaf step in to add a newcomer after rank × this. */
export const ADD_FALLBACK_MS = 4000;
/** Safety-net catch-up, for WebSocket events that never arrived. */
const SYNC_EVERY_MS = 5000;

export interface ManagerHooks {
  keys(message: EpochKeysMessage): void;
  /** Phase, epoch or membership changed. */
  changed(): void;
  /** An application message: its plaintext and who sent it. */
  application(data: Uint8Array, from: { userId: string; deviceId: string }, seq: number, at: string): void;
}

export class CallKeyManager {
  phase: E2eePhase = 'starting';
  error: string | null = null;
  session: MlsSession | undefined;
  roster: RosterEntry[] = [];
  readonly #context: string;
  readonly #ds: DeliveryService;
  readonly #sessions: SessionStore;
  #groupId: string | undefined;
  #cursor = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #offs: (() => void)[] = [];
  #offGroup: (() => void) | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #missingSince = new Map<string, number>();
  /** Welcomes at or below this seq were tried and cannot be used. */
  #skipWelcomesUpTo = -1;
  #closed = false;

  constructor(
    meetingId: string,
    private readonly device: LocalDevice,
    store: DeviceStore,
    private readonly trust: DeviceTrust,
    private readonly ws: E2eeRealtime,
    api: ConstructorParameters<typeof DeliveryService>[0],
    private readonly hooks: ManagerHooks,
  ) {
    this.#context = `call:${meetingId}`;
    this.#ds = new DeliveryService(api, device.deviceId);
    this.#sessions = new SessionStore(store, device.deviceId);
  }

  get groupId(): string | undefined {
    return this.#groupId;
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => (this.#closed ? (undefined as T) : work()));
    this.#queue = next.catch((error: unknown) => this.#fail(error));
    return next;
  }

  /** HTTP and network errors are passing (the periodic resync retries); anything else leaves the group unusable. */
  #fail(error: unknown): void {
    if (this.#closed) return;
    const transient = statusOf(error) !== undefined || error instanceof TypeError;
    if (!transient) this.phase = 'failed';
    this.error = error instanceof Error ? error.message : String(error);
    this.hooks.changed();
  }

  #later(ms: number, work: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) work();
    }, ms);
    this.#timers.add(t);
  }

  start(): Promise<void> {
    const userId = this.device.identity.userId;
    this.#offs.push(
      this.ws.subscribe(`user:${userId}`, (event) => {
        const data = event.data as Partial<WelcomeEntry> | undefined;
        if (event.kind !== 'mls.welcome' || data?.deviceId !== this.device.deviceId) return;
        // A small Welcome rides in the event itself: one fewer round trip before the joiner holds the keys. It is
        // the same Delivery Service text the list would return, and MLS checks it all the same.
        const inline =
          typeof data.welcome === 'string' &&
          typeof data.mlsGroupId === 'string' &&
          typeof data.context === 'string' &&
          typeof data.seq === 'number'
            ? (data as WelcomeEntry)
            : undefined;
        void this.#run(() => this.#welcome(inline));
      }),
    );
    if (this.ws.onReconnect) this.#offs.push(this.ws.onReconnect(() => void this.#run(() => this.#resync())));
    const tick = () => {
      void this.#run(() => this.#resync());
      this.#later(SYNC_EVERY_MS, tick);
    };
    this.#later(SYNC_EVERY_MS, tick);
    return this.#run(() => this.#begin());
  }

  async #begin(): Promise<void> {
    let group = await this.#ds.findGroup(this.#context);
    if (!group) {
      const created = await this.#ds.createGroup(this.#context, MLS_DEFAULT_CIPHER_SUITE);
      if (created) {
        const session = await MlsSession.create({
          identity: this.device.identity,
          groupId: created.id,
          options: { verifyMember: this.trust.verifyMember },
        });
        this.#adopt(session, created.id, 0);
        await this.#epochChanged(false);
        return;
      }
      group = await this.#ds.findGroup(this.#context);
      if (!group) throw new Error('the call’s key group vanished while joining');
    }
    if (group.members.some((m) => m.deviceId === this.device.deviceId)) {
      // This device is still a member, e.g. the page was reloaded: continue from the stored state.
      const restored = await this.#sessions.restore(group.id, this.trust.verifyMember);
      if (restored) {
        this.#adopt(restored.session, group.id, restored.cursor);
        await this.#catchUp(true);
        return;
      }
      // State lost: leave, then be added afresh by a present member.
      if (!group.members.some((m) => m.status === 'active' && m.deviceId !== this.device.deviceId)) {
        throw new Error('this device lost its call keys and no other member is left to add it again');
      }
      await this.#ds.leave(group.id).catch(() => undefined);
      this.#skipWelcomesUpTo = group.lastSeq;
    } else if (!group.members.some((m) => m.status === 'active')) {
      throw new Error('the call’s key group has no members left to add this device; the call must be restarted');
    }
    this.phase = 'waiting-for-welcome';
    this.hooks.changed();
    await this.#welcome();
  }

  async #save(): Promise<void> {
    const session = this.session;
    if (session?.active && this.#groupId) await this.#sessions.save(this.#groupId, this.#cursor, session);
  }

  #adopt(session: MlsSession, groupId: string, cursor: number): void {
    this.session = session;
    this.#groupId = groupId;
    this.#cursor = cursor;
    this.phase = 'ready';
    this.#offGroup?.();
    this.#offGroup = this.ws.subscribe(`mls:${groupId}`, (event) => this.#onGroupEvent(event));
  }

  /** Joins from a Welcome addressed to this device for this call; false if there is none it can use. */
  async #welcome(pushed?: WelcomeEntry): Promise<boolean> {
    if (this.session?.active) return true;
    const all = pushed ? [pushed] : await this.#ds.welcomes();
    const mine = all
      .filter((w: WelcomeEntry) => w.context === this.#context && w.seq > this.#skipWelcomesUpTo)
      .sort((a, b) => b.seq - a.seq)[0];
    if (!mine) return false;
    let joined: Awaited<ReturnType<typeof MlsSession.join>>;
    try {
      joined = await MlsSession.join({
        identity: this.device.identity,
        welcome: fromB64(mine.welcome),
        keyPackages: await this.device.keyPackages(),
        options: { verifyMember: this.trust.verifyMember },
      });
    } catch (error) {
      // Our key package's private half is gone (another browser profile, cleared storage) or the tree is refused.
      this.#skipWelcomesUpTo = mine.seq;
      if (error instanceof MlsSessionError && error.code === 'NO_KEY_PACKAGE') return false;
      throw error;
    }
    await this.device.forgetKeyPackage(joined.keyPackageRef);
    this.#adopt(joined.session, mine.mlsGroupId, mine.seq);
    await this.#catchUp();
    // The keys of the epoch we were welcomed into go to the worker before our path update's round trip: the
    // others already send under them, so decoding can start now. The update's epoch follows below.
    if (await this.#pushKeys(false)) this.hooks.changed();
    let pending: PendingCommit | undefined = joined.pathUpdate;
    // The joiner's full-path update, at once: until it lands every later commit must encrypt to it separately.
    while (pending && this.session?.active) {
      if (await this.#post(pending)) break;
      await this.#catchUp();
      pending = this.session?.needsPathUpdate ? await this.session.prepareSelfUpdate() : undefined;
    }
    await this.#epochChanged(false);
    void this.device.replenish().catch(() => undefined);
    return true;
  }

  /** Sends a prepared commit; applies it on 201, discards it on 409 (the caller then catches up and retries). */
  async #post(
    pending: PendingCommit,
    change: { added?: { deviceId: string; leafIndex: number }[]; removed?: string[] } = {},
  ) {
    let ok: boolean;
    try {
      ok = await this.#ds.commit(this.#groupId!, {
        epoch: pending.epoch,
        commit: pending.commit,
        ...(pending.welcome ? { welcome: pending.welcome } : {}),
        ...change,
      });
    } catch (error) {
      // Refused (or unanswered): never leave a pending commit blocking the next one. Its handshake key is burnt.
      await pending.discard();
      throw error;
    }
    if (ok) await pending.apply();
    else await pending.discard();
    return ok;
  }

  #onGroupEvent(event: DomainEvent): void {
    const data = event.data as { deviceId?: string; epoch?: number; remove?: { deviceId: string }[] } | undefined;
    if (event.kind === 'mls.message') void this.#run(() => this.#catchUp());
    else if (event.kind === 'mls.commit-requested' && data?.deviceId === this.device.deviceId) {
      void this.#run(() => this.#commitRemovals((data.remove ?? []).map((r) => r.deviceId)));
    }
  }

  async #resync(): Promise<void> {
    if (this.session?.active) await this.#catchUp();
    else if (this.phase === 'waiting-for-welcome') await this.#welcome();
  }

  /** Processes everything after the cursor, in order. Commits move the epoch; application messages are handed on. */
  async #catchUp(forceKeys = false): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId) return;
    const before = session.epoch;
    let removed = false;
    for (;;) {
      const batch = await this.#ds.messages(this.#groupId, this.#cursor);
      for (const m of batch) {
        this.#cursor = m.seq;
        // MLS never lets a sender decrypt its own application message; the chat showed it when it was sent.
        if (m.kind === 'application' && m.senderDeviceId === this.device.deviceId) continue;
        if (m.kind === 'application') {
          try {
            const got = await session.processMessage(decodeMessage(m));
            if (got.kind === 'application') this.hooks.application(got.data, got.sender, m.seq, m.createdAt);
          } catch {
            // A message we cannot read (e.g. from before we joined) is skipped, not fatal.
          }
          continue;
        }
        const got = await session.processMessage(decodeMessage(m));
        if (got.kind !== 'commit') continue;
        if (got.removed.length > 0) removed = true;
        if (got.removedSelf) {
          this.#left('removed from the call’s key group');
          return;
        }
      }
      if (batch.length < 200) break;
    }
    if (this.phase !== 'failed') this.error = null;
    if (session.epoch !== before || forceKeys) await this.#epochChanged(removed);
    else {
      await this.#save();
      await this.#maybeAdd();
    }
  }

  async #epochChanged(removed: boolean): Promise<void> {
    if (!(await this.#pushKeys(removed))) return;
    this.hooks.changed();
    await this.#save();
    await this.#maybeAdd();
  }

  /** Hands the current epoch's SFrame keys to the worker (once per epoch: it ignores repeats). */
  async #pushKeys(removed: boolean): Promise<boolean> {
    const session = this.session;
    if (!session?.active) return false;
    this.trust.invalidate();
    const keys = await deriveEpochSenderKeys(session, session.epoch, MLS_SFRAME_DEFAULT_EPOCH_BITS);
    const own = keys.senders.find((s) => s.leafIndex === session.ownLeafIndex);
    if (!own) throw new Error('own leaf missing from the epoch’s senders');
    const baseKey = keys.baseKey.slice().buffer;
    keys.baseKey.fill(0);
    this.hooks.keys({
      type: 'keys',
      epoch: keys.epoch,
      epochBits: keys.epochBits,
      baseKey,
      ownKid: own.kid,
      receivers: keys.senders.filter((s) => s !== own).map((s) => ({ kid: s.kid, leafIndex: s.leafIndex })),
      switchAfterMs: removed ? 0 : SENDER_SWITCH_DELAY_MS,
    });
    return true;
  }

  get safetyCode(): string | null {
    return this.session?.active ? safetyCode(this.session.epochAuthenticator()) : null;
  }

  setRoster(roster: RosterEntry[]): void {
    this.roster = roster;
    this.hooks.changed();
    void this.#run(() => this.#maybeAdd());
  }

  /**
   * Adds roster participants whose device is not in the group yet. The lowest-leaf member present in the call acts
   * at once; the next ones step in after rank × ADD_FALLBACK_MS in case it is gone. Losing a race (409) just means
   * processing the winner's commit and looking again.
   */
  async #maybeAdd(): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId || session.pendingCommit || session.needsPathUpdate) return;
    const members = session.members();
    const { missing, due } = planAdds({
      roster: this.roster,
      members,
      ownLeaf: session.ownLeafIndex,
      now: Date.now(),
      fallbackMs: ADD_FALLBACK_MS,
      missingSince: this.#missingSince,
    });
    const retry = () => this.#later(ADD_FALLBACK_MS, () => void this.#run(() => this.#maybeAdd()));
    if (due.length < missing.length) retry();
    if (due.length === 0) return;

    const packages: { deviceId: string; keyPackage: Uint8Array }[] = [];
    for (const p of due) {
      // A participant who may not take part (404) or has no key packages is retried later, never fatal.
      const claimed = await this.#ds.claim(this.#groupId, p.userId).catch(() => []);
      const usable = p.deviceId ? claimed.filter((k) => k.deviceId === p.deviceId) : claimed;
      // Without a device id we add the user's device only when there is exactly one: never a device not in the call.
      if (usable.length === 1)
        packages.push({ deviceId: usable[0]!.deviceId, keyPackage: fromB64(usable[0]!.keyPackage) });
    }
    if (packages.length === 0) {
      retry();
      return;
    }
    let pending: PendingCommit;
    try {
      pending = await session.prepareAdd(packages.map((p) => p.keyPackage));
    } catch (error) {
      // Earlier joiners have not committed their path update yet: their commit will trigger another look.
      if (error instanceof MlsSessionError && error.code === 'PENDING_JOINERS') return;
      throw error;
    }
    const used = new Set(members.map((m) => m.leafIndex));
    const added = packages.map((p) => {
      let leaf = 0;
      while (used.has(leaf)) leaf++;
      used.add(leaf);
      return { deviceId: p.deviceId, leafIndex: leaf };
    });
    if (await this.#post(pending, { added })) await this.#epochChanged(false);
    else await this.#catchUp();
  }

  /** Nominated by the server: commit the Remove of the leaving devices now, so they lose the call's keys. */
  async #commitRemovals(deviceIds: string[]): Promise<void> {
    await this.#catchUp();
    const session = this.session;
    if (!session?.active) return;
    const leaves = session
      .members()
      .filter((m) => deviceIds.includes(m.deviceId) && m.leafIndex !== session.ownLeafIndex);
    if (leaves.length === 0) return;
    const pending = await session.prepareRemove(leaves.map((m) => m.leafIndex));
    if (await this.#post(pending, { removed: leaves.map((m) => m.deviceId) })) await this.#epochChanged(true);
    else await this.#catchUp();
  }

  /** Encrypts and posts an application message; re-encrypts in the new epoch if a commit overtook it. */
  sendApplication(data: Uint8Array): Promise<{ seq: number; epoch: bigint }> {
    return this.#run(async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const session = this.session;
        if (!session?.active || !this.#groupId) throw new Error('not in the call’s key group yet');
        const epoch = session.epoch;
        const message = await session.encryptApplication(data);
        await this.#save();
        const seq = await this.#ds.send(this.#groupId, epoch, message);
        if (seq !== null) return { seq, epoch };
        await this.#catchUp();
      }
      throw new Error('the call’s keys keep changing; try again');
    });
  }

  #left(reason: string): void {
    if (this.#groupId) void this.#sessions.erase(this.#groupId).catch(() => undefined);
    this.phase = 'ended';
    this.error = reason;
    this.#offGroup?.();
    this.#offGroup = undefined;
    this.hooks.changed();
  }

  /** Leaves the call's group: the server nominates a remaining member to commit our removal. */
  async leave(): Promise<void> {
    await this.#run(async () => {
      if (this.#groupId) await this.#ds.leave(this.#groupId).catch(() => undefined);
      this.#left('left the call');
    });
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const off of this.#offs) off();
    this.#offGroup?.();
    this.session = undefined;
  }
}
