// One device's membership in one long-lived thread's MLS group (`backchannel:…` or `caucus:…`) through the Delivery
// Service. Unlike a call, nobody needs to be online together: the state survives reloads (SessionStore), what was read
// is archived on the device (ThreadArchive), and any member adds the allowed devices that are not in yet.
// All MLS work runs in one queue, and local state only moves when the server accepted a commit or delivered one.
import { MLS_DEFAULT_CIPHER_SUITE, MlsSession, MlsSessionError, type PendingCommit, safetyCode } from '@parley/e2ee';
import type { DomainEvent } from '@parley/protocol';
import { fromB64, fromUtf8, utf8 } from '../e2ee/bytes.js';
import { DeliveryService, decodeMessage, statusOf, type WelcomeEntry } from '../e2ee/delivery.js';
import type { LocalDevice } from '../e2ee/device.js';
import type { DeviceStore } from '../e2ee/device-store.js';
import { SessionStore } from '../e2ee/session-store.js';
import type { DeviceTrust } from '../e2ee/trust.js';
import type { E2eeApi, E2eeRealtime } from '../e2ee/types.js';
import type { ThreadArchive, ThreadMessage } from './archive.js';
import { missingDevices } from './missing-devices.js';

export type ThreadPhase = 'starting' | 'waiting-for-welcome' | 'ready' | 'ended' | 'failed';

const SYNC_EVERY_MS = 5000;
/** Members other than the lowest leaf add a missing device after rank × this (the lowest may be offline). */
const ADD_FALLBACK_MS = 4000;
/** A device that had no key package to claim is asked about again after this long. */
const CLAIM_COOLDOWN_MS = 30_000;
const MAX_TEXT = 4000;

export class ThreadKeyManager {
  phase: ThreadPhase = 'starting';
  error: string | null = null;
  session: MlsSession | undefined;
  /** Server seq this device joined at: messages before it are not readable here. */
  joinedSeq: number | null = null;
  readonly #ds: DeliveryService;
  readonly #sessions: SessionStore;
  #groupId: string | undefined;
  #cursor = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #offs: (() => void)[] = [];
  #offGroup: (() => void) | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #missingSince = new Map<string, number>();
  #claimedEmpty = new Map<string, number>();
  #skipWelcomesUpTo = -1;
  #closed = false;

  constructor(
    readonly context: string,
    private readonly device: LocalDevice,
    store: DeviceStore,
    private readonly trust: DeviceTrust,
    private readonly ws: E2eeRealtime,
    private readonly api: E2eeApi,
    private readonly archive: ThreadArchive,
    /** Users who may be in the thread (the server checks again on every call). */
    private readonly allowedUsers: () => readonly string[],
    private readonly changed: () => void,
  ) {
    this.#ds = new DeliveryService(api, device.deviceId);
    this.#sessions = new SessionStore(store, device.deviceId);
  }

  get groupId(): string | undefined {
    return this.#groupId;
  }

  get safetyCode(): string | null {
    return this.session?.active ? safetyCode(this.session.epochAuthenticator()) : null;
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => (this.#closed ? (undefined as T) : work()));
    this.#queue = next.catch((error: unknown) => this.#fail(error));
    return next;
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    const transient = statusOf(error) !== undefined || error instanceof TypeError;
    if (!transient) this.phase = 'failed';
    this.error = error instanceof Error ? error.message : String(error);
    this.changed();
  }

  #later(ms: number, work: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) work();
    }, ms);
    this.#timers.add(t);
  }

  start(): Promise<void> {
    this.#offs.push(
      this.ws.subscribe(`user:${this.device.identity.userId}`, (event) => {
        const data = event.data as { deviceId?: string } | undefined;
        if (event.kind === 'mls.welcome' && data?.deviceId === this.device.deviceId)
          void this.#run(() => this.#welcome());
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
    let group = await this.#ds.findGroup(this.context);
    if (!group) {
      const created = await this.#ds.createGroup(this.context, MLS_DEFAULT_CIPHER_SUITE);
      if (created) {
        const session = await MlsSession.create({
          identity: this.device.identity,
          groupId: created.id,
          options: { verifyMember: this.trust.verifyMember },
        });
        this.#adopt(session, created.id, 0);
        this.joinedSeq = 0;
        await this.#persist();
        await this.#maybeAdd();
        return;
      }
      group = await this.#ds.findGroup(this.context);
      if (!group) throw new Error('the thread’s key group vanished while opening it');
    }
    if (group.members.some((m) => m.deviceId === this.device.deviceId)) {
      const restored = await this.#sessions.restore(group.id, this.trust.verifyMember);
      if (restored) {
        this.#adopt(restored.session, group.id, restored.cursor);
        await this.#catchUp();
        return;
      }
      // State lost (storage cleared): leave, then be added afresh; what this device read before is gone with it.
      await this.#ds.leave(group.id).catch(() => undefined);
      this.#skipWelcomesUpTo = group.lastSeq;
    }
    this.phase = 'waiting-for-welcome';
    this.changed();
    await this.#welcome();
  }

  #adopt(session: MlsSession, groupId: string, cursor: number): void {
    this.session = session;
    this.#groupId = groupId;
    this.#cursor = cursor;
    this.phase = 'ready';
    this.error = null;
    this.archive.noteGroup(groupId);
    this.#offGroup?.();
    this.#offGroup = this.ws.subscribe(`mls:${groupId}`, (event) => this.#onGroupEvent(event));
    this.changed();
  }

  /** Archive first, then the MLS state: a crash in between re-reads messages (deduplicated by id), never loses one. */
  async #persist(): Promise<void> {
    await this.archive.save();
    const session = this.session;
    if (session?.active && this.#groupId) await this.#sessions.save(this.#groupId, this.#cursor, session);
  }

  async #welcome(): Promise<boolean> {
    if (this.session?.active) return true;
    const mine = (await this.#ds.welcomes())
      .filter((w: WelcomeEntry) => w.context === this.context && w.seq > this.#skipWelcomesUpTo)
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
      this.#skipWelcomesUpTo = mine.seq;
      if (error instanceof MlsSessionError && error.code === 'NO_KEY_PACKAGE') return false;
      throw error;
    }
    await this.device.forgetKeyPackage(joined.keyPackageRef);
    this.#adopt(joined.session, mine.mlsGroupId, mine.seq);
    this.joinedSeq = mine.seq;
    await this.#catchUp();
    let pending: PendingCommit | undefined = joined.pathUpdate;
    while (pending && this.session?.active) {
      if (await this.#post(pending)) break;
      await this.#catchUp();
      pending = this.session?.needsPathUpdate ? await this.session.prepareSelfUpdate() : undefined;
    }
    await this.#persist();
    this.changed();
    void this.device.replenish().catch(() => undefined);
    return true;
  }

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
      await pending.discard();
      throw error;
    }
    if (ok) await pending.apply();
    else await pending.discard();
    return ok;
  }

  #onGroupEvent(event: DomainEvent): void {
    const data = event.data as { deviceId?: string; remove?: { deviceId: string }[] } | undefined;
    if (event.kind === 'mls.message') void this.#run(() => this.#catchUp());
    else if (event.kind === 'mls.commit-requested' && data?.deviceId === this.device.deviceId)
      void this.#run(() => this.#commitRemovals((data.remove ?? []).map((r) => r.deviceId)));
  }

  async #resync(): Promise<void> {
    if (this.session?.active) await this.#catchUp();
    else if (this.phase === 'waiting-for-welcome') await this.#welcome();
  }

  async #catchUp(): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId) return;
    const before = session.epoch;
    for (;;) {
      const batch = await this.#ds.messages(this.#groupId, this.#cursor);
      for (const m of batch) {
        this.#cursor = m.seq;
        if (m.kind === 'application') {
          if (m.senderDeviceId === this.device.deviceId) continue; // archived when it was sent
          try {
            const got = await session.processMessage(decodeMessage(m));
            if (got.kind === 'application') this.#receive(got.data, got.sender, m.seq, m.createdAt, m.epoch);
          } catch {
            // Not readable here (e.g. sent in an epoch this device was not in): skipped, not fatal.
          }
          continue;
        }
        const got = await session.processMessage(decodeMessage(m));
        if (got.kind === 'commit' && got.removedSelf) {
          this.#left('this device was removed from the thread');
          return;
        }
      }
      if (batch.length < 200) break;
    }
    if (this.phase !== 'failed') this.error = null;
    await this.#persist();
    if (session.epoch !== before) this.trust.invalidate();
    this.changed();
    await this.#maybeAdd();
  }

  #receive(data: Uint8Array, from: { userId: string; deviceId: string }, seq: number, at: string, epoch: number) {
    let parsed: { t?: unknown; id?: unknown; text?: unknown };
    try {
      parsed = JSON.parse(fromUtf8(data)) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.t !== 'msg' || typeof parsed.id !== 'string' || typeof parsed.text !== 'string') return;
    if (!/^[0-9a-f-]{36}$/.test(parsed.id)) return;
    this.archive.upsert({
      id: parsed.id,
      seq,
      userId: from.userId,
      deviceId: from.deviceId,
      text: parsed.text.slice(0, MAX_TEXT),
      at,
      epoch,
      mine: false,
      status: 'sent',
    });
  }

  /** Adds allowed devices that are not in yet. The lowest leaf acts at once, others after rank × ADD_FALLBACK_MS. */
  async #maybeAdd(): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId || session.pendingCommit || session.needsPathUpdate) return;
    const now = Date.now();
    const inGroup = new Set(session.members().map((m) => m.deviceId));
    const missing = (await missingDevices(this.api, this.allowedUsers(), inGroup)).filter(
      (d) => (this.#claimedEmpty.get(d.deviceId) ?? 0) < now,
    );
    for (const key of [...this.#missingSince.keys()])
      if (!missing.some((d) => d.deviceId === key)) this.#missingSince.delete(key);
    if (missing.length === 0) return;
    const leaves = session
      .members()
      .map((m) => m.leafIndex)
      .sort((a, b) => a - b);
    const rank = Math.max(0, leaves.indexOf(session.ownLeafIndex));
    const due = missing.filter((d) => {
      const since = this.#missingSince.get(d.deviceId) ?? now;
      this.#missingSince.set(d.deviceId, since);
      return now - since >= rank * ADD_FALLBACK_MS;
    });
    if (due.length === 0) return;
    const packages: { deviceId: string; keyPackage: Uint8Array }[] = [];
    for (const userId of new Set(due.map((d) => d.userId))) {
      const claimed = await this.#ds.claim(this.#groupId, userId).catch(() => []);
      for (const d of due.filter((x) => x.userId === userId)) {
        const kp = claimed.find((k) => k.deviceId === d.deviceId);
        if (kp) packages.push({ deviceId: kp.deviceId, keyPackage: fromB64(kp.keyPackage) });
        else this.#claimedEmpty.set(d.deviceId, now + CLAIM_COOLDOWN_MS);
      }
    }
    if (packages.length === 0) return;
    let pending: PendingCommit;
    try {
      pending = await session.prepareAdd(packages.map((p) => p.keyPackage));
    } catch (error) {
      // A device added earlier has not come online to commit its path update yet; adds resume once it has.
      if (error instanceof MlsSessionError && error.code === 'PENDING_JOINERS') return;
      throw error;
    }
    const used = new Set(session.members().map((m) => m.leafIndex));
    const added = packages.map((p) => {
      let leaf = 0;
      while (used.has(leaf)) leaf++;
      used.add(leaf);
      return { deviceId: p.deviceId, leafIndex: leaf };
    });
    if (await this.#post(pending, { added })) {
      this.trust.invalidate();
      await this.#persist();
      this.changed();
    } else await this.#catchUp();
  }

  async #commitRemovals(deviceIds: string[]): Promise<void> {
    await this.#catchUp();
    const session = this.session;
    if (!session?.active) return;
    const leaves = session
      .members()
      .filter((m) => deviceIds.includes(m.deviceId) && m.leafIndex !== session.ownLeafIndex);
    if (leaves.length === 0) return;
    const pending = await session.prepareRemove(leaves.map((m) => m.leafIndex));
    if (await this.#post(pending, { removed: leaves.map((m) => m.deviceId) })) await this.#persist();
    else await this.#catchUp();
    this.changed();
  }

  /** Encrypts and posts a message; the archive holds it (sending → sent/failed) since MLS never lets us re-read it. */
  send(text: string, onUpdate: (m: ThreadMessage) => void): Promise<ThreadMessage> {
    const message: ThreadMessage = {
      id: crypto.randomUUID(),
      seq: null,
      userId: this.device.identity.userId,
      deviceId: this.device.deviceId,
      text: text.slice(0, MAX_TEXT),
      at: new Date().toISOString(),
      epoch: Number(this.session?.epoch ?? 0),
      mine: true,
      status: 'sending',
    };
    this.archive.upsert(message);
    onUpdate(message);
    return this.#run(async () => {
      try {
        const payload = utf8(JSON.stringify({ t: 'msg', id: message.id, text: message.text }));
        for (let attempt = 0; attempt < 5; attempt++) {
          const session = this.session;
          if (!session?.active || !this.#groupId) throw new Error('this device is not in the thread yet');
          const epoch = session.epoch;
          const ciphertext = await session.encryptApplication(payload);
          await this.#persist();
          const seq = await this.#ds.send(this.#groupId, epoch, ciphertext);
          if (seq !== null) {
            const sent = { ...message, seq, epoch: Number(epoch), status: 'sent' as const };
            this.archive.upsert(sent);
            await this.#persist();
            onUpdate(sent);
            return sent;
          }
          await this.#catchUp();
        }
        throw new Error('the thread’s keys keep changing; try again');
      } catch (error) {
        const failed = { ...message, status: 'failed' as const };
        this.archive.upsert(failed);
        await this.archive.save().catch(() => undefined);
        onUpdate(failed);
        throw error;
      }
    });
  }

  /** The current epoch's exporter output under the SFrame label: for the debug-only key hook, never shown. */
  exportKeyForTests(): Promise<Uint8Array> | undefined {
    return this.session?.active ? this.session.exportSecret('SFrame 1.0 Base Key', new Uint8Array(), 16) : undefined;
  }

  #left(reason: string): void {
    if (this.#groupId) void this.#sessions.erase(this.#groupId).catch(() => undefined);
    this.phase = 'ended';
    this.error = reason;
    this.#offGroup?.();
    this.changed();
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
