// Joining from a Welcome on another thread (docs/call-keys.md §5.3 item 2, §11): both ends of the conversation over
// a message port. The joining end (a browser page) keeps the device and the member check; the working end (a worker)
// does the MLS join and hands back the session state with every member it was asked to accept, and the joining end
// checks them all before it restores the session. One message each way: a check per member, answered by a page
// thread busy setting up media, would hold the join up once per member.
import {
  createDeviceIdentity,
  createKeyPackage,
  type DeviceIdentity,
  type KeyPackageBundle,
  type MemberCredentialCheck,
  MlsSession,
  MlsSessionError,
  type MlsSessionErrorCode,
  type WelcomeJoinParams,
} from '../mls/index.js';
import { joinInThisThread, type WelcomeJoin, type WelcomeJoiner } from './welcome.js';

/** What both ends need of a port: a dedicated worker, its global scope and a MessagePort all fit. */
export interface JoinPort {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** Joining end → working end. */
export type ToJoinWorker =
  /** Run one throwaway join now, so the first real one finds the code loaded and compiled. */
  | { type: 'warm' }
  | {
      type: 'join';
      id: number;
      identity: DeviceIdentity;
      welcome: Uint8Array;
      keyPackages: KeyPackageBundle[];
      ratchetTree?: Uint8Array;
      ratchetTreeInWelcome?: boolean;
    };

/** Working end → joining end. */
export type FromJoinWorker =
  /** The joined session, as `MlsSession.serialize` writes it, and every member MLS asked to accept. */
  | { type: 'joined'; id: number; state: Uint8Array; keyPackageRef: string; members: MemberCredentialCheck[] }
  | { type: 'failed'; id: number; message: string; code?: MlsSessionErrorCode };

/** The working end: serves every join asked on `port` (the worker's global scope). */
export function serveWelcomeJoins(port: JoinPort): void {
  const post = (message: FromJoinWorker) => port.postMessage(message);
  port.onmessage = (event) => {
    const message = event.data as ToJoinWorker;
    if (message.type === 'warm') void warmUp().catch(() => undefined);
    else void join(message);
  };
  async function join(request: Extract<ToJoinWorker, { type: 'join' }>): Promise<void> {
    const { id } = request;
    const members: MemberCredentialCheck[] = [];
    // Accepted here, checked at the joining end before the session is used (OffThreadJoiner).
    const verifyMember = (member: MemberCredentialCheck) => {
      members.push(member);
      return true;
    };
    try {
      const { session, keyPackageRef } = await MlsSession.fromWelcome({
        identity: request.identity,
        welcome: request.welcome,
        keyPackages: request.keyPackages,
        ratchetTree: request.ratchetTree,
        options: { verifyMember, ratchetTreeInWelcome: request.ratchetTreeInWelcome },
      });
      post({ type: 'joined', id, state: session.serialize(), keyPackageRef, members });
    } catch (error) {
      const code = error instanceof MlsSessionError ? error.code : undefined;
      post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error), code });
    }
  }
}

/** A group of two made and joined, all of it thrown away: the join's code runs once before it counts. */
export async function warmUp(): Promise<void> {
  const joiner = await createDeviceIdentity('warm-up', 'warm-up-joiner');
  const keyPackage = await createKeyPackage(joiner);
  const creator = await MlsSession.create({
    identity: await createDeviceIdentity('warm-up', 'warm-up-creator'),
    groupId: 'warm-up',
  });
  const add = await creator.prepareAdd([keyPackage.publicBytes]);
  await MlsSession.fromWelcome({ identity: joiner, welcome: add.welcome!, keyPackages: [keyPackage] });
}

interface Pending {
  params: WelcomeJoinParams;
  resolve: (joined: WelcomeJoin) => void;
  reject: (error: unknown) => void;
}

/**
 * The joining end: a `WelcomeJoiner` whose MLS work runs at the other end of `port`. If that end is lost (a worker
 * that failed to load or crashed: `lost`), the joins under way and every later one run in this thread instead, so a
 * browser without the worker still joins, only on its own thread.
 */
export class OffThreadJoiner {
  #next = 0;
  readonly #pending = new Map<number, Pending>();
  #lost = false;

  constructor(private readonly port: JoinPort) {
    port.onmessage = (event) => this.#receive(event.data as FromJoinWorker);
  }

  warm(): void {
    if (!this.#lost) this.port.postMessage({ type: 'warm' } satisfies ToJoinWorker);
  }

  readonly join: WelcomeJoiner = (params) => {
    if (this.#lost) return joinInThisThread(params);
    const id = this.#next++;
    return new Promise<WelcomeJoin>((resolve, reject) => {
      this.#pending.set(id, { params, resolve, reject });
      this.port.postMessage({
        type: 'join',
        id,
        identity: params.identity,
        welcome: params.welcome,
        keyPackages: params.keyPackages,
        ratchetTree: params.ratchetTree,
        ratchetTreeInWelcome: params.options?.ratchetTreeInWelcome,
      } satisfies ToJoinWorker);
    });
  };

  /** The working end is gone: what it was doing is done here. */
  lost(): void {
    if (this.#lost) return;
    this.#lost = true;
    for (const { params, resolve, reject } of this.#pending.values()) joinInThisThread(params).then(resolve, reject);
    this.#pending.clear();
  }

  #receive(message: FromJoinWorker): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.type === 'failed') {
      pending.reject(message.code ? new MlsSessionError(message.code, message.message) : new Error(message.message));
      return;
    }
    accepted(message, pending.params).then(pending.resolve, pending.reject);
  }
}

/**
 * The session of a join done at the other end, once every member it accepted passed this end's check (all of them,
 * as a join in this thread checks every leaf of the tree; the first refusal fails the join as it would there). The
 * state itself came from this page's own worker: restoring it is decoding, not trusting anything new.
 */
async function accepted(
  joined: Extract<FromJoinWorker, { type: 'joined' }>,
  params: WelcomeJoinParams,
): Promise<WelcomeJoin> {
  const verify = params.options?.verifyMember;
  if (verify) {
    const verdicts = await Promise.all(joined.members.map(async (member) => ({ member, ok: await verify(member) })));
    const refused = verdicts.find((v) => !v.ok);
    if (refused) {
      const { userId, deviceId } = refused.member;
      throw new Error(`the Welcome's group has a member that failed the member check: ${userId}/${deviceId}`);
    }
  }
  return { session: await MlsSession.restore(joined.state, params.options), keyPackageRef: joined.keyPackageRef };
}
