// The mechanics shared by every MLS group a device drives through the Delivery Service (a call's, a thread's, the
// demo loader's): create-or-join the group of a context, process Welcomes and commits from the event push and the
// HTTP catch-up, commit adds and nominated removals, persist the session. What differs (SFrame keys, an archive,
// whom to add) is the owner's, through MlsGroupOwner. All MLS work runs in one queue: catch-up, commits, adds,
// removals and application messages never interleave, and local state only moves when the server has accepted a
// commit (or delivered someone else's). Isomorphic: transport, storage and device are injected (owner.ts).
import type { DomainEvent } from '@parley/protocol';
import { MLS_DEFAULT_CIPHER_SUITE, MlsSession, type PendingCommit } from '../mls/index.js';
import { readLog } from './catch-up.js';
import {
  type CommitChange,
  type CommitScope,
  commitRemovals,
  maybeAdd,
  postCommit,
  renewEpoch,
  sendApplication,
} from './commits.js';
import { GroupCore } from './core.js';
import type { WelcomeEntry } from './delivery.js';
import { EXTERNAL_JOIN_WAIT_MS, publishGroupInfo, ThreadRejoin } from './external-join.js';
import type { MlsGroupOwner, MlsGroupSetup } from './owner.js';
import { WelcomeInbox } from './welcome.js';

/** Safety-net catch-up, for pushed events that never arrived (docs/call-keys.md §2.2). */
export const SYNC_EVERY_MS = 5000;

export class MlsGroupClient extends GroupCore {
  readonly #inbox: WelcomeInbox;
  /** Group, epoch and cursor of the last saved session. */
  #savedAt = '';
  /** What the commits of commits.ts need of this client. */
  readonly #scope: CommitScope;
  /** Long-lived threads only (setup.externalJoin): joining with nobody online, or starting the thread anew (§9). */
  readonly rejoin: ThreadRejoin | undefined;

  constructor(setup: MlsGroupSetup, owner: MlsGroupOwner) {
    super(setup, owner);
    this.#inbox = new WelcomeInbox(setup.context, setup.device, setup.trust.verifyMember, setup.joinWelcome);
    const client = this;
    this.#scope = {
      get session() {
        return client.session;
      },
      get groupId() {
        return client.mlsGroupId;
      },
      owner,
      ds: this.ds,
      text: setup.text,
      post: (pending, change) => this.#post(pending, change),
      catchUp: () => this.#catchUp(),
      trace: (what) => this.trace(what),
    };
    if (setup.externalJoin) {
      this.rejoin = new ThreadRejoin(this.ds, setup.context, setup.device, setup.trust.verifyMember);
      this.rejoin.waitMs = setup.timing?.externalJoinWaitMs ?? EXTERNAL_JOIN_WAIT_MS;
    }
  }

  start(): Promise<void> {
    // A call's device is added as it joins: its key packages are read now, not once the Welcome is here (§5.3 item 2).
    if (!this.setup.externalJoin) this.#inbox.preload();
    this.offs.push(
      this.setup.ws.subscribe(`user:${this.device.identity.userId}`, (event) => {
        if (event.kind !== 'mls.welcome' || event.data.deviceId !== this.device.deviceId) return;
        // A small Welcome rides in the event itself: one fewer round trip before the joiner holds the keys (§11).
        // It is the same Delivery Service text the list would return, and MLS checks it all the same.
        const { welcome, ...entry } = event.data;
        this.trace(`Welcome pushed (seq ${entry.seq}${welcome === undefined ? '' : ', inline'})`);
        const inline = this.setup.inlineWelcome && welcome !== undefined ? { ...entry, welcome } : undefined;
        // Its MLS join starts now, outside the queue; the queue adopts the session (§5.3 item 1, §11).
        if (inline && !this.session?.active) this.#inbox.push(inline);
        void this.run(() => this.#welcome(inline));
      }),
    );
    const ws = this.setup.ws;
    if (ws.onReconnect) this.offs.push(ws.onReconnect(() => void this.run(() => this.#resync())));
    const every = this.setup.timing?.syncEveryMs ?? SYNC_EVERY_MS;
    const tick = () => {
      void this.run(() => this.#resync());
      this.later(every, tick);
    };
    this.later(every, tick);
    return this.run(() => this.#begin());
  }

  async #begin(): Promise<void> {
    // A Welcome handed to the listener as it subscribed (kept since admission, §11) ran first and made this device a
    // member: looking the group up now would find its own leaf and take the stored session on a second time.
    if (this.session?.active) return;
    const { context, text, trust } = this.setup;
    const deviceId = this.device.deviceId;
    this.trace('looking up the group');
    const lookup = this.ds.findGroup(context);
    lookup.catch(() => undefined);
    // A Welcome pushed meanwhile settles it: this device was added, whatever the lookup would say (§5.3 item 1).
    const pushed = await Promise.race([lookup.then(() => false), this.#inbox.arrived.then(() => this.#inbox.pending)]);
    if (pushed && (await this.#welcome())) return;
    let group = await lookup;
    if (!group) {
      if (await this.#create()) return;
      group = await this.ds.findGroup(context);
      if (!group) throw new Error(text.vanished);
    }
    this.rejoin?.seen(group);
    const own = group.members.find((m) => m.deviceId === deviceId);
    if (own) {
      // This device is still a member, e.g. the page was reloaded: continue from the stored state (§8.3).
      const restored = await this.sessions.restore(group.id, trust.verifyMember);
      if (restored) {
        this.adopt(restored.session, group.id, restored.cursor, 'restored');
        await this.#catchUp(true);
        return;
      }
      // Or a member added it before it looked (a call's roster shows a joiner before its keys start): its Welcome
      // is waiting (§8.1). Leaving and being added again would cost two more epochs.
      if (own.status === 'active' && (await this.#welcome())) return;
      // State lost (storage cleared): leave, then be added afresh by a member.
      await this.ds.leave(group.id).catch(() => undefined);
      this.#inbox.skip(group.lastSeq);
    }
    // Nobody is left who could add this device: a call is keyed afresh, the Delivery Service retiring the old group
    // (§6.4). If another device keyed it first (409), that device adds this one.
    if (this.setup.afreshWhenAlone && !group.members.some((m) => m.status === 'active' && m.deviceId !== deviceId)) {
      this.trace('no other member is left: keying the context afresh');
      if (await this.#create()) return;
    }
    this.go('awaits-welcome');
    this.owner.changed();
    if ((await this.#welcome()) || !this.rejoin) return;
    // Nobody may be online to add this device for weeks: after a short wait it commits itself in (§9).
    this.rejoin.startWaiting();
    this.later(this.rejoin.waitMs, () => void this.run(() => this.#resync()));
  }

  /** Creates the context's group with this device alone in it; false when another device created it first. */
  async #create(): Promise<boolean> {
    const created = await this.ds.createGroup(this.setup.context, MLS_DEFAULT_CIPHER_SUITE);
    if (!created) return false;
    const session = await MlsSession.create({
      identity: this.device.identity,
      groupId: created.id,
      options: { verifyMember: this.setup.trust.verifyMember },
    });
    this.rejoin?.seen(created);
    this.adopt(session, created.id, 0, 'created');
    await this.owner.created();
    await this.#publish();
    return true;
  }

  /** Joins by an external commit (RFC 9420 §12.4.3.2) once the wait is over (§9). */
  async #external(rejoin: ThreadRejoin): Promise<void> {
    const joined = await rejoin.tryJoin();
    this.trace(`external join: ${joined ? 'joined' : (rejoin.state ?? 'not yet')}`);
    if (!joined) return this.owner.changed();
    this.adopt(joined.session, joined.groupId, joined.seq, 'external');
    await this.#removeDueAfterJoin();
    await this.owner.joined();
    await this.#publish();
    await this.#catchUp();
  }

  /**
   * Devices that left while nobody remained are still leaves of the tree this device joined, and a leaf receives the
   * keys of every later epoch: the server nominated this device to remove them (§6.1 item 3, §9 item 3). Its event
   * went out before this device listened to the group, so the nomination is read here and carried out before the
   * owner hears of the join (before anyone can write in the thread).
   */
  async #removeDueAfterJoin(): Promise<void> {
    const view = await this.ds.group(this.mlsGroupId!).catch(() => null);
    if (!view?.nominee || view.nominee.deviceId !== this.device.deviceId) return;
    const leaving = view.members.filter((m) => m.status === 'leaving').map((m) => m.deviceId);
    if (leaving.length > 0) await this.#commitRemovals(leaving, view.nominee.epoch);
  }

  /** After every epoch of a long-lived thread, its GroupInfo goes to the Delivery Service (§9). */
  async #publish(): Promise<void> {
    if (!this.rejoin || !this.session || !this.mlsGroupId) return;
    await publishGroupInfo(this.ds, this.mlsGroupId, this.session).catch((e: unknown) => this.trace(`GroupInfo: ${e}`));
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
      this.adopt(fresh.session, fresh.groupId, 0, 'created');
      await this.owner.created();
      await this.#publish();
    });
  }

  /**
   * Stores the session (§8.3). `ifMoved`: only when the epoch or the cursor moved since the last save; a catch-up
   * that read nothing then costs no serialisation of the whole tree. A sent message always saves (its ratchet moved).
   */
  async saveSession(ifMoved = false): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.mlsGroupId) return;
    const at = `${this.mlsGroupId}:${session.epoch}:${this.seq}`;
    if (ifMoved && at === this.#savedAt) return;
    await this.sessions.save(this.mlsGroupId, this.seq, session);
    this.#savedAt = at;
  }

  /** Replaces the session; a Welcome pushed meanwhile is of no more use. */
  protected override adopt(...args: Parameters<GroupCore['adopt']>): void {
    this.#inbox.clear();
    super.adopt(...args);
  }

  /** Joins from a Welcome addressed to this device for this context; false if there is none it can use (§5.3). */
  async #welcome(pushed?: WelcomeEntry): Promise<boolean> {
    if (this.session?.active) {
      // A join started for a push that came while a session was being taken on is of no more use.
      this.#inbox.clear();
      // A Welcome to a group we think we are in, past our cursor: we were removed and added again meanwhile (§8.2).
      if (pushed && pushed.mlsGroupId === this.mlsGroupId && pushed.seq > this.seq)
        await this.#replaced(pushed.seq, pushed);
      return true;
    }
    const next = await this.#inbox.next(pushed, () => this.ds.welcomes());
    const mine = next.entry;
    if (!mine) {
      this.trace(`no usable Welcome (${next.listed} listed, skipping up to seq ${this.#inbox.skipUpTo})`);
      return false;
    }
    this.trace(`joining from the Welcome of seq ${mine.seq}`);
    // A Welcome that failed is not tried again (§8.1), whether for a lost key package or a refused tree.
    const joined = await next.join.catch((error: unknown) => {
      this.#inbox.skip(mine.seq);
      throw error;
    });
    if (!joined) {
      this.#inbox.skip(mine.seq);
      return false;
    }
    this.adopt(joined.session, mine.mlsGroupId, mine.seq, 'welcomed');
    // The epoch's keys go out before anything else that waits (storage, the catch-up round trip, preparing the path
    // update): the others already send under them (docs/call-keys.md §5.3 item 3, §11).
    await this.owner.welcomed?.();
    await this.device.forgetKeyPackage(joined.keyPackageRef);
    await this.#catchUp();
    const session = this.session;
    const due = this.owner.pathUpdateDue?.();
    // A call holds the path update until its first picture decodes (§5.3 item 6); meanwhile the queue runs on.
    if (due) void due.then(() => this.run(() => this.#pathUpdate(session)));
    else await this.#pathUpdate(session);
    return true;
  }

  /**
   * The joiner's full-path update (§5.3 item 6): until it lands every later commit must encrypt to its leaf apart
   * and adds by others wait. Nothing to do when `joined` is no longer the session, or a commit of ours had a path.
   */
  async #pathUpdate(joined: MlsSession | undefined): Promise<void> {
    if (!joined || this.session !== joined) return;
    while (this.session === joined && joined.active && joined.needsPathUpdate) {
      if (await this.#post(await joined.prepareSelfUpdate())) break;
      await this.#catchUp();
    }
    if (this.session !== joined || !joined.active) return;
    await this.owner.joined();
    void this.device.replenish().catch(() => undefined);
  }

  /** Sends a prepared commit (commits.ts); after an accepted one a long-lived thread publishes its GroupInfo. */
  async #post(pending: PendingCommit, change: CommitChange = {}): Promise<boolean> {
    const ok = await postCommit(this.ds, this.mlsGroupId!, pending, change);
    if (ok) await this.#publish();
    this.trace(`commit for epoch ${pending.epoch} ${ok ? 'accepted' : 'lost the race (409)'}`);
    return ok;
  }

  protected onGroupEvent(event: DomainEvent): void {
    if (event.kind === 'mls.message') void this.run(() => this.#catchUp());
    else if (event.kind === 'mls.reestablished') void this.run(() => this.#restart());
    else if (event.kind === 'mls.commit-requested' && event.data.deviceId === this.device.deviceId) {
      const removed = event.data.remove.map((r) => r.deviceId);
      void this.run(() => this.#commitRemovals(removed, event.data.epoch));
    }
  }

  async #resync(): Promise<void> {
    if (this.session?.active) await this.#catchUp();
    else if (this.phase === 'waiting-for-welcome' && !(await this.#welcome()) && this.rejoin)
      await this.#external(this.rejoin);
  }

  /** A chair started the thread anew: this device's group is retired, so it looks up the context afresh (§9). */
  async #restart(): Promise<void> {
    this.trace('the thread was started anew');
    this.go('restarted');
    this.drop();
    await this.#begin();
  }

  /** Processes everything after the cursor, in order. Commits move the epoch; application messages are handed on. */
  async #catchUp(restored = false): Promise<void> {
    const session = this.session;
    if (!session?.active || !this.mlsGroupId) return;
    const before = session.epoch;
    const read = await readLog({
      ds: this.ds,
      groupId: this.mlsGroupId,
      session,
      ownDeviceId: this.device.deviceId,
      owner: this.owner,
      cursor: () => this.seq,
      advance: (seq) => {
        this.seq = seq;
      },
      trace: (what) => this.trace(what),
    });
    if (read.kind === 'replaced') return this.#replaced(read.joinedSeq);
    if (read.kind === 'removed-self') return this.end('removed', this.setup.text.removed);
    const removed = read.removed;
    if (this.phase !== 'failed') this.error = null;
    if (session.epoch !== before && this.rejoin) {
      // Whoever committed should have published; if they did not (went offline), this member does (§9).
      const group = await this.ds.group(this.mlsGroupId);
      if (group.groupInfoEpoch !== group.epoch && BigInt(group.epoch) === session.epoch) await this.#publish();
    }
    await this.owner.caughtUp(session.epoch !== before, removed, restored);
  }

  /**
   * Our state is from an earlier membership: the group removed this device and added it again by commits it may not
   * read (e.g. a call left and rejoined while a late departure was still being handled). Start over from the Welcome
   * of the current membership (§8.2).
   */
  async #replaced(joinedSeq: number, pushed?: WelcomeEntry): Promise<void> {
    this.trace(`membership replaced (joined again at seq ${joinedSeq}): starting over from its Welcome`);
    if (this.mlsGroupId) await this.sessions.erase(this.mlsGroupId).catch(() => undefined);
    this.go('replaced');
    this.drop();
    this.#inbox.skip(joinedSeq - 1);
    this.owner.changed();
    await this.#welcome(pushed);
  }

  /** Moves the group to an epoch this device has never sent under (§8.3; commits.ts). */
  renewEpoch(): Promise<boolean> {
    return renewEpoch(this.#scope);
  }

  /** Adds the devices the owner names (§5.2; commits.ts). Call inside `run`. */
  maybeAdd(): Promise<void> {
    return maybeAdd(this.#scope);
  }

  /**
   * Nominated by the server (§6.1): commit the Remove of the leaving devices now (commits.ts). A nomination holds for
   * its epoch only (§6.1 item 4, §6.2 item 6).
   */
  #commitRemovals(deviceIds: string[], epoch: number): Promise<void> {
    return commitRemovals(this.#scope, deviceIds, epoch);
  }

  /** Encrypts and posts an application message (call inside `run`; §7.1, commits.ts). */
  send(data: Uint8Array): Promise<{ seq: number; epoch: bigint }> {
    return sendApplication(this.#scope, data);
  }

  /** This device is out of the group by its own doing (`reason` is what the screen says, §10). */
  left(reason: string): void {
    this.end('left', reason);
  }

  /**
   * Leaves the group: the server nominates a remaining member to commit this device's removal (§6.1). Then nothing
   * more for this client: a Welcome a member sent from a roster still listing us must not bring it back.
   */
  async leave(reason: string): Promise<void> {
    await this.run(async () => {
      if (this.mlsGroupId) await this.ds.leave(this.mlsGroupId).catch(() => undefined);
      this.left(reason);
    });
    this.close();
  }
}
