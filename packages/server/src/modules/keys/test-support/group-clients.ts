import {
  fromB64,
  type KeyPackageToAdd,
  type MlsGroupClient,
  type MlsGroupOwner,
  type MlsSession,
  WelcomeTopic,
} from '@parley/e2ee';
import type { AppContext } from '../../../context.js';
import { HubEvents } from '../../../ops/hub-events.js';
import { MlsDevice } from '../../../ops/mls-device.js';
import type { TestClient } from '../../../test-support/app.js';

/**
 * One device running the MLS group client of @parley/e2ee against the real server: HTTP through inject, events
 * from the server's realtime hub as this user's socket would get them. Its owner adds the devices in `wants` that
 * are not in the group (every member at once: the tests provoke the races the rank rule would only make rarer),
 * keeps the session stored after every change, and records what it read and how it joined.
 */
export class GroupMember {
  /** Devices this member adds when it can. */
  readonly wants = new Set<MlsDevice>();
  readonly received: string[] = [];
  readonly joins: string[] = [];
  readonly trace: string[] = [];
  /** Awaited after this member has chosen whom to add and before it prepares the commit (tests that stage a race). */
  beforeAdd?: () => Promise<void>;
  /** The owner's hold on this device's path update after a Welcome, as a call's key manager has one. */
  pathUpdateDue?: () => Promise<void>;
  client!: MlsGroupClient;
  /** This user's topic as a call page holds it: Welcomes pushed while no client ran go to the next one's listener. */
  #welcomes: WelcomeTopic | null = null;

  private constructor(
    readonly device: MlsDevice,
    readonly events: HubEvents,
    readonly context: string,
  ) {}

  static async register(ctx: AppContext, http: TestClient, userId: string, name: string, context: string) {
    const device = await MlsDevice.register(name, http, userId);
    await device.uploadKeyPackages(3);
    return new GroupMember(device, new HubEvents(ctx, userId), context);
  }

  get name(): string {
    return this.device.name;
  }

  get session(): MlsSession | undefined {
    return this.client?.session?.active ? this.client.session : undefined;
  }

  /**
   * Keeps the Welcomes pushed from now on and hands them to the next client's listener the moment it subscribes, as
   * a call page does with those that come between its admission and its key layer (docs/call-keys.md §11).
   */
  keepWelcomes(): void {
    this.#welcomes = new WelcomeTopic(this.events, `user:${this.device.userId}`);
    this.#welcomes.hold();
    this.#welcomes.keep();
  }

  /**
   * A new client for this device (a page load): the device and its stored sessions stay. `afreshWhenAlone` as a
   * call's client has it.
   */
  start(options: { afreshWhenAlone?: boolean } = {}): Promise<void> {
    this.client?.close();
    this.client = this.device.group(
      {
        ...options,
        context: this.context,
        ws: this.#welcomes?.events() ?? this.events,
        timing: { syncEveryMs: 400 },
        trace: (l) => {
          this.trace.push(l);
          if (process.env.MLS_TRACE) console.log(new Date().toISOString().slice(14, 23), this.name, l);
        },
      },
      this.#owner(),
    );
    return this.client.start();
  }

  addNow(): Promise<void> {
    return this.client.run(() => this.client.maybeAdd());
  }

  send(text: string) {
    return this.client.run(() => this.client.send(new TextEncoder().encode(text)));
  }

  close(): void {
    this.client?.close();
    this.events.close();
  }

  #owner(): MlsGroupOwner {
    const save = () => this.client.saveSession();
    const settle = async () => {
      await save();
      await this.client.maybeAdd();
    };
    return {
      changed: () => undefined,
      persist: save,
      adopted: (_groupId, how, seq) => this.joins.push(`${how}@${seq}`),
      created: settle,
      ...(this.pathUpdateDue ? { pathUpdateDue: this.pathUpdateDue } : {}),
      joined: settle,
      caughtUp: settle,
      added: settle,
      removalsDone: settle,
      application: (data) => this.received.push(new TextDecoder().decode(data)),
      toAdd: (session, groupId) => this.#toAdd(session, groupId),
    };
  }

  async #toAdd(session: MlsSession, groupId: string): Promise<KeyPackageToAdd[]> {
    const inGroup = new Set(session.members().map((m) => m.deviceId));
    const packages: KeyPackageToAdd[] = [];
    for (const d of this.wants) {
      if (inGroup.has(d.deviceId)) continue;
      const claimed = await this.client.ds.claim(groupId, d.userId);
      const kp = claimed.find((k) => k.deviceId === d.deviceId);
      if (kp) packages.push({ deviceId: d.deviceId, keyPackage: fromB64(kp.keyPackage) });
    }
    if (packages.length > 0) await this.beforeAdd?.();
    return packages;
  }
}

/** Resolves for everyone once `count` callers wait on it: members that must all prepare before any of them posts. */
export function barrier(count: number): () => Promise<void> {
  let release!: () => void;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  let waiting = 0;
  return () => {
    waiting += 1;
    if (waiting === count) release();
    return all;
  };
}
