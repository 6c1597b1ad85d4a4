// What every MLS group client holds, whatever it is doing (docs/call-keys.md §4): its phase, moved only by the
// transition table; the adopted session with its Delivery Service cursor and group subscription; the one work queue;
// the trace. How a client gets into a group and what it commits is in client.ts and commits.ts.
import type { DomainEvent } from '@parley/protocol';
import { type MlsSession, safetyCode } from '../mls/index.js';
import { DeliveryService } from './delivery.js';
import type { GroupDevice, MlsGroupOwner, MlsGroupSetup } from './owner.js';
import { type GroupEvent, type GroupPhase, nextPhase } from './phases.js';
import { SessionStore } from './session-store.js';
import { statusOf } from './transport.js';
import { WorkQueue } from './work-queue.js';

export type AdoptedHow = 'created' | 'restored' | 'welcomed' | 'external';

export abstract class GroupCore {
  #phase: GroupPhase = 'starting';
  error: string | null = null;
  session: MlsSession | undefined;
  readonly ds: DeliveryService;
  protected readonly sessions: SessionStore;
  protected readonly device: GroupDevice;
  protected mlsGroupId: string | undefined;
  /** Seq of the last Delivery Service message this device processed. */
  protected seq = 0;
  readonly #work = new WorkQueue((error) => this.#fail(error));
  protected readonly offs: (() => void)[] = [];
  #offGroup: (() => void) | undefined;
  #safetyCode: { session: MlsSession; epoch: bigint; code: string } | undefined;

  constructor(
    protected readonly setup: MlsGroupSetup,
    protected readonly owner: MlsGroupOwner,
  ) {
    this.device = setup.device;
    this.ds = new DeliveryService(setup.api, setup.device.deviceId);
    this.sessions = new SessionStore(setup.store, setup.device.deviceId);
  }

  get phase(): GroupPhase {
    return this.#phase;
  }

  get groupId(): string | undefined {
    return this.mlsGroupId;
  }

  /** Seq of the last Delivery Service message this device processed. */
  get cursor(): number {
    return this.seq;
  }

  get closed(): boolean {
    return this.#work.closed;
  }

  /** The current epoch's safety code, derived once per epoch: a call's view reads it every time it is rebuilt. */
  get safetyCode(): string | null {
    const session = this.session;
    if (!session?.active) return null;
    const shown = this.#safetyCode;
    if (shown?.session === session && shown.epoch === session.epoch) return shown.code;
    const code = safetyCode(session.epochAuthenticator());
    this.#safetyCode = { session, epoch: session.epoch, code };
    return code;
  }

  /** Moves the phase by the transition table (§4); a pair the table lacks throws IllegalTransitionError. */
  protected go(event: GroupEvent): void {
    const to = nextPhase(this.#phase, event);
    if (to !== this.#phase) this.trace(`${this.#phase} → ${to} (${event})`);
    this.#phase = to;
  }

  /** What the group did, at debug level: the order of epochs and commits is what one needs to tell a stall. */
  trace(what: string): void {
    const line = `[mls ${this.setup.context}] epoch ${this.session?.epoch ?? '-'}: ${what}`;
    if (this.setup.trace) this.setup.trace(line);
    else console.debug(line);
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.#work.run(work);
  }

  later(ms: number, work: () => void): void {
    this.#work.later(ms, work);
  }

  /** HTTP and network errors are passing (the periodic resync retries); anything else leaves the group unusable. */
  #fail(error: unknown): void {
    const transient = statusOf(error) !== undefined || error instanceof TypeError;
    if (!transient) this.go('failed');
    this.error = error instanceof Error ? error.message : String(error);
    this.trace(`${transient ? 'passing error' : 'failed'}: ${this.error}`);
    this.owner.changed();
  }

  /** Takes `session` on at `cursor` and listens to its group's events (phase `ready`, §4). */
  protected adopt(session: MlsSession, groupId: string, cursor: number, how: AdoptedHow): void {
    this.go(how === 'external' ? 'joined-externally' : how);
    this.session = session;
    this.mlsGroupId = groupId;
    this.seq = cursor;
    this.#offGroup?.();
    this.#offGroup = this.setup.ws.subscribe(`mls:${groupId}`, (event) => this.onGroupEvent(event));
    this.owner.adopted?.(groupId, how, cursor);
    this.trace(`${how} at seq ${cursor}`);
  }

  protected abstract onGroupEvent(event: DomainEvent): void;

  /** The session is of no more use (replaced, started anew, closed): its group's events are no longer heard. */
  protected drop(): void {
    this.session = undefined;
    this.#offGroup?.();
    this.#offGroup = undefined;
  }

  /** Out of the group, by leaving or by a removal (`reason` is what the screen says, §10). */
  protected end(event: 'left' | 'removed', reason: string): void {
    if (this.mlsGroupId) void this.sessions.erase(this.mlsGroupId).catch(() => undefined);
    this.go(event);
    this.error = reason;
    this.#offGroup?.();
    this.#offGroup = undefined;
    this.owner.changed();
  }

  close(): void {
    this.#work.close();
    for (const off of this.offs) off();
    this.drop();
  }
}
