// What an owner of an MLS group driven by MlsGroupClient (a call's key manager, a back-channel thread) provides:
// its setup and the hooks through which it reacts to each step.
import type { MlsMember, MlsSession } from '@parley/e2ee';
import type { DeliveryService } from './delivery.js';
import type { LocalDevice } from './device.js';
import type { DeviceStore } from './device-store.js';
import type { DeviceTrust } from './trust.js';
import type { E2eeRealtime } from './types.js';

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
  device: LocalDevice;
  store: DeviceStore;
  trust: DeviceTrust;
  ws: E2eeRealtime;
  api: ConstructorParameters<typeof DeliveryService>[0];
  /** Use a Welcome that rides in the push event itself instead of listing them. */
  inlineWelcome: boolean;
  /**
   * A long-lived thread: members publish the GroupInfo of every epoch, and a device nobody adds within a short
   * wait joins by an external commit (RFC 9420 §12.4.3.2). Calls leave it off.
   */
  externalJoin?: boolean;
  text: {
    vanished: string;
    removed: string;
    notInGroup: string;
    keysChanging: string;
    /** Set when only a present member can add this device back (a call): refuse to wait for nobody. */
    lostAlone?: string;
    noMembers?: string;
  };
}
