// The mechanics shared by every MLS group this device drives through the Delivery Service (a call's, a thread's):
// create-or-join the group of a context, process Welcomes and commits from the WebSocket push and the HTTP catch-up,
// commit adds and nominated removals, persist the session. What differs (SFrame keys, an archive, whom to add) is
// the owner's, through MlsGroupOwner. All MLS work runs in one queue: catch-up, commits, adds, removals and
// application messages never interleave, and local state only moves when the server has accepted a commit (or
// delivered someone else's).
import { MLS_DEFAULT_CIPHER_SUITE, MlsSession, MlsSessionError, type PendingCommit, safetyCode } from '@parley/e2ee';
import type { DomainEvent } from '@parley/protocol';
import { fromB64 } from './bytes.js';
import { DeliveryService, decodeMessage, statusOf, type WelcomeEntry } from './delivery.js';
import type { LocalDevice } from './device.js';
import { EXTERNAL_JOIN_WAIT_MS, publishGroupInfo, ThreadRejoin } from './external-join.js';
import type { MlsGroupOwner, MlsGroupSetup } from './mls-group-owner.js';
import { SessionStore } from './session-store.js';
import type { E2eePhase } from './types.js';

export type { KeyPackageToAdd, MlsGroupOwner, MlsGroupSetup } from './mls-group-owner.js';

/** Safety-net catch-up, for WebSocket events that never arrived. */
const SYNC_EVERY_MS = 5000;

export class MlsGroupClient {
  phase: E2eePhase = 'starting';
  error: string | null = null;
  session: MlsSession | undefined;
  readonly ds: DeliveryService;
  readonly #sessions: SessionStore;
  readonly #setup: MlsGroupSetup;
  readonly #device: LocalDevice;
  #groupId: string | undefined;
  #cursor = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #offs: (() => void)[] = [];
  #offGroup: (() => void) | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Welcomes at or below this seq were tried and cannot be used. */
  #skipWelcomesUpTo = -1;
  #closed = false;
  /** Long-lived threads only (setup.externalJoin): joining with nobody online, or starting the thread anew. */
  readonly rejoin: ThreadRejoin | undefined;

  constructor(
    setup: MlsGroupSetup,
    private readonly owner: MlsGroupOwner,
  ) {
    this.#setup = setup;
    this.#device = setup.device;
    this.ds = new DeliveryService(setup.api, setup.device.deviceId);
    this.#sessions = new SessionStore(setup.store, setup.device.deviceId);
    if (setup.externalJoin)
      this.rejoin = new ThreadRejoin(this.ds, setup.context, setup.device, setup.trust.verifyMember);
  }

  get groupId(): string | undefined {
    return this.#groupId;
  }

  get safetyCode(): string | null {
    return this.session?.active ? safetyCode(this.session.epochAuthenticator()) : null;
  }

  /** What the group did, at debug level: the order of epochs and commits is what one needs to tell a stall. */
  #trace(what: string): void {
    console.debug(`[mls ${this.#setup.context}] epoch ${this.session?.epoch ?? '-'}: ${what}`);
  }

  run<T>(work: () => Promise<T>): Promise<T> {
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
    this.#trace(`${transient ? 'passing error' : 'failed'}: ${this.error}`);
    this.owner.changed();
  }

  later(ms: number, work: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) work();
    }, ms);
    this.#timers.add(t);
  }

  start(): Promise<void> {
    this.#offs.push(
      this.#setup.ws.subscribe(`user:${this.#device.identity.userId}`, (event) => {
        const data = event.data as Partial<WelcomeEntry> | undefined;
        if (event.kind !== 'mls.welcome' || data?.deviceId !== this.#device.deviceId) return;
        // A small Welcome rides in the event itself: one fewer round trip before the joiner holds the keys. It is
        // the same Delivery Service text the list would return, and MLS checks it all the same.
        const inline =
          this.#setup.inlineWelcome &&
          typeof data.welcome === 'string' &&
          typeof data.mlsGroupId === 'string' &&
          typeof data.context === 'string' &&
          typeof data.seq === 'number'
            ? (data as WelcomeEntry)
            : undefined;
        void this.run(() => this.#welcome(inline));
      }),
    );
    const ws = this.#setup.ws;
    if (ws.onReconnect) this.#offs.push(ws.onReconnect(() => void this.run(() => this.#resync())));
    const tick = () => {
      void this.run(() => this.#resync());
      this.later(SYNC_EVERY_MS, tick);
    };
    this.later(SYNC_EVERY_MS, tick);
    return this.run(() => this.#begin());
  }

  async #begin(): Promise<void> {
    const { context, text, trust } = this.#setup;
    const deviceId = this.#device.deviceId;
    let group = await this.ds.findGroup(context);
    if (!group) {
      const created = await this.ds.createGroup(context, MLS_DEFAULT_CIPHER_SUITE);
      if (created) {
        const session = await MlsSession.create({
          identity: this.#device.identity,
          groupId: created.id,
          options: { verifyMember: trust.verifyMember },
        });
        this.rejoin?.seen(created);
        this.#adopt(session, created.id, 0, 'created');
        await this.owner.created();
        await this.#publish();
        return;
      }
      group = await this.ds.findGroup(context);
      if (!group) throw new Error(text.vanished);
    }
    this.rejoin?.seen(group);
    const own = group.members.find((m) => m.deviceId === deviceId);
    if (own) {
      // This device is still a member, e.g. the page was reloaded: continue from the stored state.
      const restored = await this.#sessions.restore(group.id, trust.verifyMember);
      if (restored) {
        this.#adopt(restored.session, group.id, restored.cursor, 'restored');
        await this.#catchUp(true);
        return;
      }
      // Or a member added it before it looked (a call's roster shows a joiner before its keys start): its Welcome
      // is waiting. Leaving and being added again would cost two more epochs.
      if (own.status === 'active' && (await this.#welcome())) return;
      // State lost (storage cleared): leave, then be added afresh by a member.
      if (text.lostAlone && !group.members.some((m) => m.status === 'active' && m.deviceId !== deviceId)) {
        throw new Error(text.lostAlone);
      }
      await this.ds.leave(group.id).catch(() => undefined);
      this.#skipWelcomesUpTo = group.lastSeq;
    } else if (text.noMembers && !group.members.some((m) => m.status === 'active')) {
      throw new Error(text.noMembers);
    }
    this.phase = 'waiting-for-welcome';
    this.owner.changed();
    if ((await this.#welcome()) || !this.rejoin) return;
    // Nobody may be online to add this device for weeks: after a short wait it commits itself in.
    this.rejoin.startWaiting();
    this.later(EXTERNAL_JOIN_WAIT_MS, () => void this.run(() => this.#resync()));
  }

  /** Joins by an external commit (RFC 9420 §12.4.3.2) once the wait is over. */
  async #external(rejoin: ThreadRejoin): Promise<void> {
    const joined = await rejoin.tryJoin();
    this.#trace(`external join: ${joined ? 'joined' : (rejoin.state ?? 'not yet')}`);
    if (!joined) return this.owner.changed();
    this.#adopt(joined.session, joined.groupId, joined.seq, 'external');
    await this.owner.joined();
    await this.#publish();
    await this.#catchUp();
  }

  /** After every epoch of a long-lived thread, its GroupInfo goes to the Delivery Service (external-join.ts). */
  async #publish(): Promise<void> {
    if (!this.rejoin || !this.session || !this.#groupId) return;
    await publishGroupInfo(this.ds, this.#groupId, this.session).catch((e: unknown) => this.#trace(`GroupInfo: ${e}`));
  }

  /**
   * A chair starts the thread anew when no usable GroupInfo is left: a new group, this device alone in it, the
   * earlier ciphertext left unreadable on the server. Others join it as usual (Welcome or external commit).
   */
  reestablish(): Promise<void> {
    return this.run(async () => {
      if (!this.rejoin || this.session?.active) return;
      const fresh = await this.rejoin.startAnew();
      // Someone else started it anew first: look the context up again.
      if (!fresh) return this.#restart();
      this.#adopt(fresh.session, fresh.groupId, 0, 'created');
      await this.owner.created();
      await this.#publish();
    });
  }

  async saveSession(): Promise<void> {
    const session = this.session;
    if (session?.active && this.#groupId) await this.#sessions.save(this.#groupId, this.#cursor, session);
  }

  #adopt(
    session: MlsSession,
    groupId: string,
    cursor: number,
    how: 'created' | 'restored' | 'welcomed' | 'external',
  ): void {
    this.session = session;
    this.#groupId = groupId;
    this.#cursor = cursor;
    this.phase = 'ready';
    this.#offGroup?.();
    this.#offGroup = this.#setup.ws.subscribe(`mls:${groupId}`, (event) => this.#onGroupEvent(event));
    this.owner.adopted?.(groupId, how, cursor);
    this.#trace(`${how} at seq ${cursor}`);
  }

  /** Joins from a Welcome addressed to this device for this context; false if there is none it can use. */
  async #welcome(pushed?: WelcomeEntry): Promise<boolean> {
    if (this.session?.active) {
      // A Welcome to a group we think we are in, past our cursor: we were removed and added again meanwhile.
      if (pushed && pushed.mlsGroupId === this.#groupId && pushed.seq > this.#cursor) await this.#replaced(pushed.seq);
      return true;
    }
    const all = pushed ? [pushed] : await this.ds.welcomes();
    const mine = all
      .filter((w: WelcomeEntry) => w.context === this.#setup.context && w.seq > this.#skipWelcomesUpTo)
      .sort((a, b) => b.seq - a.seq)[0];
    if (!mine) {
      this.#trace(`no usable Welcome (${all.length} listed, skipping up to seq ${this.#skipWelcomesUpTo})`);
      return false;
    }
    let joined: Awaited<ReturnType<typeof MlsSession.join>>;
    try {
      joined = await MlsSession.join({
        identity: this.#device.identity,
        welcome: fromB64(mine.welcome),
        keyPackages: await this.#device.keyPackages(),
        options: { verifyMember: this.#setup.trust.verifyMember },
      });
    } catch (error) {
      // Our key package's private half is gone (another browser profile, cleared storage) or the tree is refused.
      this.#skipWelcomesUpTo = mine.seq;
      if (error instanceof MlsSessionError && error.code === 'NO_KEY_PACKAGE') return false;
      throw error;
    }
    this.#adopt(joined.session, mine.mlsGroupId, mine.seq, 'welcomed');
    // The epoch's keys go out before anything else that waits (storage, the catch-up round trip): the others
    // already send under them (docs/call-keys.md §11).
    await this.owner.welcomed?.();
    await this.#device.forgetKeyPackage(joined.keyPackageRef);
    await this.#catchUp();
    let pending: PendingCommit | undefined = joined.pathUpdate;
    // The joiner's full-path update, at once: until it lands every later commit must encrypt to it separately.
    while (pending && this.session?.active) {
      if (await this.#post(pending)) break;
      await this.#catchUp();
      pending = this.session?.needsPathUpdate ? await this.session.prepareSelfUpdate() : undefined;
    }
    await this.owner.joined();
    void this.#device.replenish().catch(() => undefined);
    return true;
  }

  /** Sends a prepared commit; applies it on 201, discards it on 409 (the caller then catches up and retries). */
  async #post(
    pending: PendingCommit,
    change: { added?: { deviceId: string; leafIndex: number }[]; removed?: string[] } = {},
  ) {
    let ok: boolean;
    try {
      ok = await this.ds.commit(this.#groupId!, {
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
    if (ok) await this.#publish();
    this.#trace(`commit for epoch ${pending.epoch} ${ok ? 'accepted' : 'lost the race (409)'}`);
    return ok;
  }

  #onGroupEvent(event: DomainEvent): void {
    const data = event.data as { deviceId?: string; remove?: { deviceId: string }[] } | undefined;
    if (event.kind === 'mls.message') void this.run(() => this.#catchUp());
    else if (event.kind === 'mls.reestablished') void this.run(() => this.#restart());
    else if (event.kind === 'mls.commit-requested' && data?.deviceId === this.#device.deviceId) {
      void this.run(() => this.#commitRemovals((data.remove ?? []).map((r) => r.deviceId)));
    }
  }

  async #resync(): Promise<void> {
    if (this.session?.active) await this.#catchUp();
    else if (this.phase === 'waiting-for-welcome' && !(await this.#welcome()) && this.rejoin)
      await this.#external(this.rejoin);
  }

  /** A chair started the thread anew: this device's group is retired, so it looks up the context afresh. */
  async #restart(): Promise<void> {
    this.#trace('the thread was started anew');
    this.session = undefined;
    this.#offGroup?.();
    this.#offGroup = undefined;
    this.phase = 'starting';
    await this.#begin();
  }

  /** Processes everything after the cursor, in order. Commits move the epoch; application messages are handed on. */
  async #catchUp(restored = false): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId) return;
    const before = session.epoch;
    let removed = false;
    for (;;) {
      const { messages: batch, joinedSeq } = await this.ds.messages(this.#groupId, this.#cursor);
      if (joinedSeq > this.#cursor) return this.#replaced(joinedSeq);
      for (const m of batch) {
        this.#cursor = m.seq;
        if (m.kind === 'application') {
          // MLS never lets a sender decrypt its own application message; the owner kept it when it was sent.
          if (m.senderDeviceId === this.#device.deviceId) continue;
          try {
            const got = await session.processMessage(decodeMessage(m));
            if (got.kind === 'application') this.owner.application(got.data, got.sender, m.seq, m.createdAt, m.epoch);
          } catch {
            // A message we cannot read (e.g. sent in an epoch before we joined) is skipped, not fatal.
          }
          continue;
        }
        const got = await session.processMessage(decodeMessage(m));
        if (got.kind !== 'commit') continue;
        // No committing member: a device committed itself in from a GroupInfo (an external join).
        if (!got.committer && got.added.length > 0) this.owner.joinedExternally?.(got.added, m.seq, m.createdAt);
        this.#trace(`processed commit seq ${m.seq}${got.removed.length > 0 ? ' (removal)' : ''}`);
        if (got.removed.length > 0) removed = true;
        if (got.removedSelf) {
          this.left(this.#setup.text.removed);
          return;
        }
      }
      if (batch.length < 200) break;
    }
    if (this.phase !== 'failed') this.error = null;
    if (session.epoch !== before && this.rejoin) {
      // Whoever committed should have published; if they did not (went offline), this member does.
      const group = await this.ds.group(this.#groupId);
      if (group.groupInfoEpoch !== group.epoch && BigInt(group.epoch) === session.epoch) await this.#publish();
    }
    await this.owner.caughtUp(session.epoch !== before, removed, restored);
  }

  /**
   * Our state is from an earlier membership: the group removed this device and added it again by commits it may not
   * read (e.g. a call left and rejoined while a late departure was still being handled). Start over from the Welcome
   * of the current membership.
   */
  async #replaced(joinedSeq: number): Promise<void> {
    this.#trace(`membership replaced (joined again at seq ${joinedSeq}): starting over from its Welcome`);
    if (this.#groupId) await this.#sessions.erase(this.#groupId).catch(() => undefined);
    this.session = undefined;
    this.#offGroup?.();
    this.#offGroup = undefined;
    this.#skipWelcomesUpTo = Math.max(this.#skipWelcomesUpTo, joinedSeq - 1);
    this.phase = 'waiting-for-welcome';
    this.owner.changed();
    await this.#welcome();
  }

  /**
   * Moves the group to an epoch this device has never sent under, by committing an update of its own leaf (or by
   * taking another member's commit that won the race). True once the epoch differs from the one it started in.
   */
  async renewEpoch(): Promise<boolean> {
    const from = this.session?.epoch;
    for (let attempt = 0; attempt < 5; attempt++) {
      const session = this.session;
      if (!session?.active || !this.#groupId) return false;
      if (session.epoch !== from) return true;
      if (!session.pendingCommit && (await this.#post(await session.prepareSelfUpdate()))) return true;
      await this.#catchUp();
    }
    return this.session?.active === true && this.session.epoch !== from;
  }

  /** Adds the devices the owner names. Losing a race (409) means processing the winner's commit and looking again. */
  async maybeAdd(): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId || session.pendingCommit || session.needsPathUpdate) return;
    const packages = await this.owner.toAdd(session, this.#groupId);
    if (packages.length === 0) return;
    this.#trace(`adding ${packages.map((p) => p.deviceId.slice(0, 8)).join(', ')}`);
    let pending: PendingCommit;
    try {
      pending = await session.prepareAdd(packages.map((p) => p.keyPackage));
    } catch (error) {
      // Earlier joiners have not committed their path update yet: their commit will trigger another look.
      if (error instanceof MlsSessionError && error.code === 'PENDING_JOINERS') {
        this.#trace('add deferred: an earlier joiner has not committed its path update');
        return;
      }
      throw error;
    }
    const used = new Set(session.members().map((m) => m.leafIndex));
    const added = packages.map((p) => {
      let leaf = 0;
      while (used.has(leaf)) leaf++;
      used.add(leaf);
      return { deviceId: p.deviceId, leafIndex: leaf };
    });
    if (await this.#post(pending, { added })) await this.owner.added();
    else await this.#catchUp();
  }

  /** Nominated by the server: commit the Remove of the leaving devices now, so they lose the group's keys. */
  async #commitRemovals(deviceIds: string[]): Promise<void> {
    await this.#catchUp();
    const session = this.session;
    if (!session?.active) return;
    const leaves = session
      .members()
      .filter((m) => deviceIds.includes(m.deviceId) && m.leafIndex !== session.ownLeafIndex);
    this.#trace(
      `nominated to remove ${deviceIds.map((d) => d.slice(0, 8)).join(', ')}: ${leaves.length} still members`,
    );
    if (leaves.length === 0) return;
    const pending = await session.prepareRemove(leaves.map((m) => m.leafIndex));
    const ok = await this.#post(pending, { removed: leaves.map((m) => m.deviceId) });
    if (!ok) await this.#catchUp();
    await this.owner.removalsDone(ok);
  }

  /** Encrypts and posts an application message (call inside `run`); re-encrypts if a commit overtook it. */
  async send(data: Uint8Array): Promise<{ seq: number; epoch: bigint }> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const session = this.session;
      if (!session?.active || !this.#groupId) throw new Error(this.#setup.text.notInGroup);
      const epoch = session.epoch;
      const message = await session.encryptApplication(data);
      await this.owner.persist();
      const seq = await this.ds.send(this.#groupId, epoch, message);
      if (seq !== null) return { seq, epoch };
      await this.#catchUp();
    }
    throw new Error(this.#setup.text.keysChanging);
  }

  left(reason: string): void {
    if (this.#groupId) void this.#sessions.erase(this.#groupId).catch(() => undefined);
    this.phase = 'ended';
    this.error = reason;
    this.#offGroup?.();
    this.#offGroup = undefined;
    this.owner.changed();
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
