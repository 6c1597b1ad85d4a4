// What an owner of an MLS group driven by MlsGroupClient (a call's key manager, a back-channel thread, the demo
// loader's device) provides: its setup, with transport, storage and device identity injected, and the hooks
// through which it reacts to each step.
import type { DeviceIdentity, KeyPackageBundle, MlsMember, MlsSession, VerifyMember } from '../mls/index.js';
import type { SecretStore } from './session-store.js';
import type { DeliveryApi, GroupEvents } from './transport.js';
import type { WelcomeJoiner } from './welcome.js';

/**
 * The device as the group client needs it: its signature keys and credential (the identity), and the private
 * halves of the key packages it uploaded (docs/call-keys.md §5.1). The browser's LocalDevice fits.
 */
export interface GroupDevice {
  readonly identity: DeviceIdentity;
  readonly deviceId: string;
  keyPackages(): Promise<KeyPackageBundle[]>;
  /** The key package a Welcome used: its private half must not linger. */
  forgetKeyPackage(ref: string): Promise<void>;
  /** Tops the server's stock of key packages up again after one was used. */
  replenish(): Promise<void>;
}

export interface KeyPackageToAdd {
  deviceId: string;
  keyPackage: Uint8Array;
}

/** What the owner of the group does at each step; every async hook runs inside the queue. */
export interface MlsGroupOwner {
  /** Phase, error, epoch or membership changed. */
  changed(): void;
  /** Stores what must survive a reload, the session at least (MlsGroupClient.saveSession). */
  persist(): Promise<void>;
  /** The session was taken on and its group subscribed: newly created (seq 0), restored, or welcomed at `seq`. */
  adopted?(groupId: string, how: 'created' | 'restored' | 'welcomed' | 'external', seq: number): void;
  /** Devices that committed themselves in from a GroupInfo (an external join), processed at `seq`. */
  joinedExternally?(devices: MlsMember[], seq: number, at: string): void;
  /** This device created the group and is alone in it. */
  created(): Promise<void>;
  /** Joined from a Welcome and caught up, before the joiner's path update goes out. */
  welcomed?(): Promise<void>;
  /**
   * Asked once a joiner is welcomed and caught up: its path update goes out when this resolves (outside the queue,
   * which runs on meanwhile). Without it the update goes out at once. A call holds it until its first remote picture
   * decodes, so the others' rekey does not fall into the join (docs/call-keys.md §5.3 item 6).
   */
  pathUpdateDue?(): Promise<void>;
  /** The joiner's path update is done (or no longer needed). */
  joined(): Promise<void>;
  /** A catch-up pass ended. moved: the epoch changed; removed: a commit removed members; restored: after a reload. */
  caughtUp(moved: boolean, removed: boolean, restored: boolean): Promise<void>;
  application(
    data: Uint8Array,
    from: { userId: string; deviceId: string },
    seq: number,
    at: string,
    epoch: number,
  ): void;
  /** Key packages of the devices to add now ([] for none); asked only when the group can take a commit. */
  toAdd(session: MlsSession, groupId: string): Promise<KeyPackageToAdd[]>;
  /** The server accepted this device's Add commit. */
  added(): Promise<void>;
  /** A nominated Remove was committed (ok) or lost its race and the winner was processed (!ok). */
  removalsDone(ok: boolean): Promise<void>;
}

export interface MlsGroupSetup {
  context: string;
  device: GroupDevice;
  /** Where the session is kept between loads (§8.3). */
  store: SecretStore;
  /** The member check of every tree this device accepts: the leaf's key must be in the device-key log. */
  trust: { verifyMember: VerifyMember };
  ws: GroupEvents;
  api: DeliveryApi;
  /** Where joining from a Welcome runs (a browser: its MLS worker, docs/call-keys.md §11); this thread by default. */
  joinWelcome?: WelcomeJoiner;
  /** Use a Welcome that rides in the push event itself instead of listing them. */
  inlineWelcome: boolean;
  /**
   * A long-lived thread: members publish the GroupInfo of every epoch, and a device nobody adds within a short
   * wait joins by an external commit (RFC 9420 §12.4.3.2). Calls leave it off.
   */
  externalJoin?: boolean;
  /**
   * A call: when no other device is an active member (everyone left, or this device lost its state while alone),
   * nobody could add this one, so it keys the context afresh with a new group (docs/call-keys.md §6.4). Threads
   * rejoin by an external commit instead and keep their history's group.
   */
  afreshWhenAlone?: boolean;
  text: {
    vanished: string;
    removed: string;
    notInGroup: string;
    keysChanging: string;
  };
  /** Shorter waits, for tests against a real server; production uses the defaults of docs/call-keys.md. */
  timing?: { syncEveryMs?: number; externalJoinWaitMs?: number };
  /** Where the debug trace goes (console.debug by default). */
  trace?: (line: string) => void;
}
