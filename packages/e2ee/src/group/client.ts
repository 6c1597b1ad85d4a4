// The mechanics shared by every MLS group a device drives through the Delivery Service (a call's, a thread's, the
// demo loader's): create-or-join the group of a context, process Welcomes and commits from the event push and the
// HTTP catch-up, commit adds and nominated removals, persist the session. What differs (SFrame keys, an archive,
// whom to add) is the owner's, through MlsGroupOwner. All MLS work runs in one queue: catch-up, commits, adds,
// removals and application messages never interleave, and local state only moves when the server has accepted a
// commit (or delivered someone else's). Isomorphic: transport, storage and device are injected (owner.ts).
import type { DomainEvent } from '@parley/protocol';
import { MLS_DEFAULT_CIPHER_SUITE, MlsSession, type PendingCommit, safetyCode } from '../mls/index.js';
import { readLog } from './catch-up.js';
import { type CommitChange, postCommit, prepareAdds, prepareRemovals } from './commits.js';
import { DeliveryService, type WelcomeEntry } from './delivery.js';
import { EXTERNAL_JOIN_WAIT_MS, publishGroupInfo, ThreadRejoin } from './external-join.js';
import type { GroupDevice, MlsGroupOwner, MlsGroupSetup } from './owner.js';
import { type GroupEvent, type GroupPhase, nextPhase } from './phases.js';
import { SessionStore } from './session-store.js';
import { statusOf } from './transport.js';
import { joinFromWelcome, pickWelcome } from './welcome.js';
import { WorkQueue } from './work-queue.js';

/** Safety-net catch-up, for pushed events that never arrived (docs/call-keys.md §2.2). */
export const SYNC_EVERY_MS = 5000;

export class MlsGroupClient {
  #phase: GroupPhase = 'starting';
  error: string | null = null;
  session: MlsSession | undefined;
  readonly ds: DeliveryService;
  readonly #sessions: SessionStore;
  readonly #setup: MlsGroupSetup;
  readonly #device: GroupDevice;
  #groupId: string | undefined;
  #cursor = 0;
  readonly #work = new WorkQueue((error) => this.#fail(error));
  #offs: (() => void)[] = [];
  #offGroup: (() => void) | undefined;
  /** Welcomes at or below this seq were tried and cannot be used (§8.1). */
  #skipWelcomesUpTo = -1;
  /** Long-lived threads only (setup.externalJoin): joining with nobody online, or starting the thread anew (§9). */
  readonly rejoin: ThreadRejoin | undefined;

  constructor(
    setup: MlsGroupSetup,
    private readonly owner: MlsGroupOwner,
  ) {
    this.#setup = setup;
    this.#device = setup.device;
    this.ds = new DeliveryService(setup.api, setup.device.deviceId);
    this.#sessions = new SessionStore(setup.store, setup.device.deviceId);
    if (setup.externalJoin) {
      this.rejoin = new ThreadRejoin(this.ds, setup.context, setup.device, setup.trust.verifyMember);
      this.rejoin.waitMs = setup.timing?.externalJoinWaitMs ?? EXTERNAL_JOIN_WAIT_MS;
    }
  }

  get phase(): GroupPhase {
    return this.#phase;
  }

  get groupId(): string | undefined {
    return this.#groupId;
  }

  /** Seq of the last Delivery Service message this device processed. */
  get cursor(): number {
    return this.#cursor;
  }

  get closed(): boolean {
    return this.#work.closed;
  }

  get safetyCode(): string | null {
    return this.session?.active ? safetyCode(this.session.epochAuthenticator()) : null;
  }

  /** Moves the phase by the transition table (§4); a pair the table lacks throws IllegalTransitionError. */
  #go(event: GroupEvent): void {
    const to = nextPhase(this.#phase, event);
    if (to !== this.#phase) this.trace(`${this.#phase} → ${to} (${event})`);
    this.#phase = to;
  }

  /** What the group did, at debug level: the order of epochs and commits is what one needs to tell a stall. */
  trace(what: string): void {
    const line = `[mls ${this.#setup.context}] epoch ${this.session?.epoch ?? '-'}: ${what}`;
    if (this.#setup.trace) this.#setup.trace(line);
    else console.debug(line);
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.#work.run(work);
  }

  /** HTTP and network errors are passing (the periodic resync retries); anything else leaves the group unusable. */
  #fail(error: unknown): void {
    const transient = statusOf(error) !== undefined || error instanceof TypeError;
    if (!transient) this.#go('failed');
    this.error = error instanceof Error ? error.message : String(error);
    this.trace(`${transient ? 'passing error' : 'failed'}: ${this.error}`);
    this.owner.changed();
  }

  later(ms: number, work: () => void): void {
    this.#work.later(ms, work);
  }

  start(): Promise<void> {
    this.#offs.push(
      this.#setup.ws.subscribe(`user:${this.#device.identity.userId}`, (event) => {
        if (event.kind !== 'mls.welcome' || event.data.deviceId !== this.#device.deviceId) return;
        // A small Welcome rides in the event itself: one fewer round trip before the joiner holds the keys (§11).
        // It is the same Delivery Service text the list would return, and MLS checks it all the same.
        const { welcome, ...entry } = event.data;
        this.trace(`Welcome pushed (seq ${entry.seq}${welcome === undefined ? '' : ', inline'})`);
        const inline = this.#setup.inlineWelcome && welcome !== undefined ? { ...entry, welcome } : undefined;
        void this.run(() => this.#welcome(inline));
      }),
    );
    const ws = this.#setup.ws;
    if (ws.onReconnect) this.#offs.push(ws.onReconnect(() => void this.run(() => this.#resync())));
    const every = this.#setup.timing?.syncEveryMs ?? SYNC_EVERY_MS;
    const tick = () => {
      void this.run(() => this.#resync());
      this.later(every, tick);
    };
    this.later(every, tick);
    return this.run(() => this.#begin());
  }

  async #begin(): Promise<void> {
    const { context, text, trust } = this.#setup;
    const deviceId = this.#device.deviceId;
    this.trace('looking up the group');
    let group = await this.ds.findGroup(context);
    if (!group) {
      if (await this.#create()) return;
      group = await this.ds.findGroup(context);
      if (!group) throw new Error(text.vanished);
    }
    this.rejoin?.seen(group);
    const own = group.members.find((m) => m.deviceId === deviceId);
    if (own) {
      // This device is still a member, e.g. the page was reloaded: continue from the stored state (§8.3).
      const restored = await this.#sessions.restore(group.id, trust.verifyMember);
      if (restored) {
        this.#adopt(restored.session, group.id, restored.cursor, 'restored');
        await this.#catchUp(true);
        return;
      }
      // Or a member added it before it looked (a call's roster shows a joiner before its keys start): its Welcome
      // is waiting (§8.1). Leaving and being added again would cost two more epochs.
      if (own.status === 'active' && (await this.#welcome())) return;
      // State lost (storage cleared): leave, then be added afresh by a member.
      await this.ds.leave(group.id).catch(() => undefined);
      this.#skipWelcomesUpTo = group.lastSeq;
    }
    // Nobody is left who could add this device: a call is keyed afresh, the Delivery Service retiring the old group
    // (§6.4). If another device keyed it first (409), that device adds this one.
    if (this.#setup.afreshWhenAlone && !group.members.some((m) => m.status === 'active' && m.deviceId !== deviceId)) {
      this.trace('no other member is left: keying the context afresh');
      if (await this.#create()) return;
    }
    this.#go('awaits-welcome');
    this.owner.changed();
    if ((await this.#welcome()) || !this.rejoin) return;
    // Nobody may be online to add this device for weeks: after a short wait it commits itself in (§9).
    this.rejoin.startWaiting();
    this.later(this.rejoin.waitMs, () => void this.run(() => this.#resync()));
  }

  /** Creates the context's group with this device alone in it; false when another device created it first. */
  async #create(): Promise<boolean> {
    const created = await this.ds.createGroup(this.#setup.context, MLS_DEFAULT_CIPHER_SUITE);
    if (!created) return false;
    const session = await MlsSession.create({
      identity: this.#device.identity,
      groupId: created.id,
      options: { verifyMember: this.#setup.trust.verifyMember },
    });
    this.rejoin?.seen(created);
    this.#adopt(session, created.id, 0, 'created');
    await this.owner.created();
    await this.#publish();
    return true;
  }

  /** Joins by an external commit (RFC 9420 §12.4.3.2) once the wait is over (§9). */
  async #external(rejoin: ThreadRejoin): Promise<void> {
    const joined = await rejoin.tryJoin();
    this.trace(`external join: ${joined ? 'joined' : (rejoin.state ?? 'not yet')}`);
    if (!joined) return this.owner.changed();
    this.#adopt(joined.session, joined.groupId, joined.seq, 'external');
    await this.owner.joined();
    await this.#publish();
    await this.#catchUp();
  }

  /** After every epoch of a long-lived thread, its GroupInfo goes to the Delivery Service (§9). */
  async #publish(): Promise<void> {
    if (!this.rejoin || !this.session || !this.#groupId) return;
    await publishGroupInfo(this.ds, this.#groupId, this.session).catch((e: unknown) => this.trace(`GroupInfo: ${e}`));
  }

  /**
   * A chair starts the thread anew when no usable GroupInfo is left: a new group, this device alone in it, the
   * earlier ciphertext left unreadable on the server (§9). Others join it as usual (Welcome or external commit).
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
    this.#go(how === 'external' ? 'joined-externally' : how);
    this.session = session;
    this.#groupId = groupId;
    this.#cursor = cursor;
    this.#offGroup?.();
    this.#offGroup = this.#setup.ws.subscribe(`mls:${groupId}`, (event) => this.#onGroupEvent(event));
    this.owner.adopted?.(groupId, how, cursor);
    this.trace(`${how} at seq ${cursor}`);
  }

  /** Joins from a Welcome addressed to this device for this context; false if there is none it can use (§5.3). */
  async #welcome(pushed?: WelcomeEntry): Promise<boolean> {
    if (this.session?.active) {
      // A Welcome to a group we think we are in, past our cursor: we were removed and added again meanwhile (§8.2).
      if (pushed && pushed.mlsGroupId === this.#groupId && pushed.seq > this.#cursor) await this.#replaced(pushed.seq);
      return true;
    }
    const all = pushed ? [pushed] : await this.ds.welcomes();
    const mine = pickWelcome(all, this.#setup.context, this.#skipWelcomesUpTo);
    if (!mine) {
      this.trace(`no usable Welcome (${all.length} listed, skipping up to seq ${this.#skipWelcomesUpTo})`);
      return false;
    }
    this.trace(`joining from the Welcome of seq ${mine.seq}`);
    // A Welcome that failed is not tried again (§8.1), whether for a lost key package or a refused tree.
    const skip = () => {
      this.#skipWelcomesUpTo = mine.seq;
    };
    const joined = await joinFromWelcome(this.#device, mine, this.#setup.trust.verifyMember).catch((error) => {
      skip();
      throw error;
    });
    if (!joined) {
      skip();
      return false;
    }
    this.#adopt(joined.session, mine.mlsGroupId, mine.seq, 'welcomed');
    // The epoch's keys go out before anything else that waits (storage, the catch-up round trip): the others
    // already send under them (docs/call-keys.md §11).
    await this.owner.welcomed?.();
    await this.#device.forgetKeyPackage(joined.keyPackageRef);
    await this.#catchUp();
    let pending: PendingCommit | undefined = joined.pathUpdate;
    // The joiner's full-path update, at once (§5.3): until it lands every later commit must encrypt to it apart.
    while (pending && this.session?.active) {
      if (await this.#post(pending)) break;
      await this.#catchUp();
      pending = this.session?.needsPathUpdate ? await this.session.prepareSelfUpdate() : undefined;
    }
    await this.owner.joined();
    void this.#device.replenish().catch(() => undefined);
    return true;
  }

  /** Sends a prepared commit (commits.ts); after an accepted one a long-lived thread publishes its GroupInfo. */
  async #post(pending: PendingCommit, change: CommitChange = {}): Promise<boolean> {
    const ok = await postCommit(this.ds, this.#groupId!, pending, change);
    if (ok) await this.#publish();
    this.trace(`commit for epoch ${pending.epoch} ${ok ? 'accepted' : 'lost the race (409)'}`);
    return ok;
  }

  #onGroupEvent(event: DomainEvent): void {
    if (event.kind === 'mls.message') void this.run(() => this.#catchUp());
    else if (event.kind === 'mls.reestablished') void this.run(() => this.#restart());
    else if (event.kind === 'mls.commit-requested' && event.data.deviceId === this.#device.deviceId) {
      const removed = event.data.remove.map((r) => r.deviceId);
      void this.run(() => this.#commitRemovals(removed, event.data.epoch));
    }
  }

  async #resync(): Promise<void> {
    if (this.session?.active) await this.#catchUp();
    else if (this.#phase === 'waiting-for-welcome' && !(await this.#welcome()) && this.rejoin)
      await this.#external(this.rejoin);
  }

  /** A chair started the thread anew: this device's group is retired, so it looks up the context afresh (§9). */
  async #restart(): Promise<void> {
    this.trace('the thread was started anew');
    this.#go('restarted');
    this.session = undefined;
    this.#offGroup?.();
    this.#offGroup = undefined;
    await this.#begin();
  }

  /** Processes everything after the cursor, in order. Commits move the epoch; application messages are handed on. */
  async #catchUp(restored = false): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId) return;
    const before = session.epoch;
    const read = await readLog({
      ds: this.ds,
      groupId: this.#groupId,
      session,
      ownDeviceId: this.#device.deviceId,
      owner: this.owner,
      cursor: () => this.#cursor,
      advance: (seq) => {
        this.#cursor = seq;
      },
      trace: (what) => this.trace(what),
    });
    if (read.kind === 'replaced') return this.#replaced(read.joinedSeq);
    if (read.kind === 'removed-self') return this.#end('removed', this.#setup.text.removed);
    const removed = read.removed;
    if (this.#phase !== 'failed') this.error = null;
    if (session.epoch !== before && this.rejoin) {
      // Whoever committed should have published; if they did not (went offline), this member does (§9).
      const group = await this.ds.group(this.#groupId);
      if (group.groupInfoEpoch !== group.epoch && BigInt(group.epoch) === session.epoch) await this.#publish();
    }
    await this.owner.caughtUp(session.epoch !== before, removed, restored);
  }

  /**
   * Our state is from an earlier membership: the group removed this device and added it again by commits it may not
   * read (e.g. a call left and rejoined while a late departure was still being handled). Start over from the Welcome
   * of the current membership (§8.2).
   */
  async #replaced(joinedSeq: number): Promise<void> {
    this.trace(`membership replaced (joined again at seq ${joinedSeq}): starting over from its Welcome`);
    if (this.#groupId) await this.#sessions.erase(this.#groupId).catch(() => undefined);
    this.#go('replaced');
    this.session = undefined;
    this.#offGroup?.();
    this.#offGroup = undefined;
    this.#skipWelcomesUpTo = Math.max(this.#skipWelcomesUpTo, joinedSeq - 1);
    this.owner.changed();
    await this.#welcome();
  }

  /**
   * Moves the group to an epoch this device has never sent under, by committing an update of its own leaf (or by
   * taking another member's commit that won the race). True once the epoch differs from the one it started in (§8.3).
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

  /**
   * Adds the devices the owner names (who adds whom and when is the owner's rule, §5.2). Losing a race (409) means
   * processing the winner's commit; the owner is asked again after it.
   */
  async maybeAdd(): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.#groupId || session.pendingCommit || session.needsPathUpdate) return;
    const packages = await this.owner.toAdd(session, this.#groupId);
    if (packages.length === 0) return;
    this.trace(`adding ${packages.map((p) => p.deviceId.slice(0, 8)).join(', ')}`);
    const add = await prepareAdds(session, packages);
    if (!add) return this.trace('add deferred: an earlier joiner has not committed its path update');
    if (await this.#post(add.pending, add.change)) await this.owner.added();
    else await this.#catchUp();
  }

  /**
   * Nominated by the server (§6.1): commit the Remove of the leaving devices now, so they lose the group's keys. A
   * nomination holds for its epoch only (§6.2): once any commit has moved the group on, the server has nominated
   * again if removals are still due, and a device named in the old one may since have been added back.
   */
  async #commitRemovals(deviceIds: string[], epoch: number): Promise<void> {
    await this.#catchUp();
    const session = this.session;
    if (!session?.active) return;
    if (session.epoch !== BigInt(epoch))
      return this.trace(`nomination for epoch ${epoch} is stale (the group is at ${session.epoch})`);
    const removal = await prepareRemovals(session, deviceIds);
    this.trace(
      `nominated to remove ${deviceIds.map((d) => d.slice(0, 8)).join(', ')}: ${removal ? 'committing' : 'none left'}`,
    );
    if (!removal) return;
    const ok = await this.#post(removal.pending, removal.change);
    if (!ok) await this.#catchUp();
    await this.owner.removalsDone(ok);
  }

  /** Encrypts and posts an application message (call inside `run`); re-encrypts if a commit overtook it (§7.1). */
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

  /** This device is out of the group by its own doing (`reason` is what the screen says, §10). */
  left(reason: string): void {
    this.#end('left', reason);
  }

  /**
   * Leaves the group: the server nominates a remaining member to commit this device's removal (§6.1). Then nothing
   * more for this client: a Welcome a member sent from a roster still listing us must not bring it back.
   */
  async leave(reason: string): Promise<void> {
    await this.run(async () => {
      if (this.#groupId) await this.ds.leave(this.#groupId).catch(() => undefined);
      this.left(reason);
    });
    this.close();
  }

  #end(event: 'left' | 'removed', reason: string): void {
    if (this.#groupId) void this.#sessions.erase(this.#groupId).catch(() => undefined);
    this.#go(event);
    this.error = reason;
    this.#offGroup?.();
    this.#offGroup = undefined;
    this.owner.changed();
  }

  close(): void {
    this.#work.close();
    for (const off of this.#offs) off();
    this.#offGroup?.();
    this.session = undefined;
  }
}
