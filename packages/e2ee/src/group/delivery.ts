// Typed calls to the MLS Delivery Service (packages/server/src/modules/keys, docs/call-keys.md §2.2 and the
// messages of §3). Bytes travel as base64; a 409 (another commit won the epoch) is an answer, not an error.
import type { MlsGroup, MlsMessage, PublishedGroupInfo } from '@parley/protocol';
import { type DeliveryApi, fromB64, statusOf, toB64 } from './transport.js';

export interface WelcomeEntry {
  mlsGroupId: string;
  context: string;
  deviceId: string;
  seq: number;
  epoch: number;
  welcome: string;
}

/** A commit as the sender hands it over: the Welcome (if any) goes to every added device. */
export interface CommitToSend {
  epoch: bigint;
  commit: Uint8Array;
  welcome?: Uint8Array;
  added?: { deviceId: string; leafIndex: number }[];
  removed?: string[];
}

/** The request body of a member's commit (M-numbers in docs/call-keys.md §3), for every sender alike. */
export function commitBody(deviceId: string, body: CommitToSend) {
  const added = body.added ?? [];
  return {
    deviceId,
    epoch: Number(body.epoch),
    commit: toB64(body.commit),
    welcomes: body.welcome ? added.map((a) => ({ deviceId: a.deviceId, welcome: toB64(body.welcome!) })) : [],
    addedDevices: added,
    removedDevices: body.removed ?? [],
  };
}

export interface ClaimedKeyPackage {
  userId: string;
  deviceId: string;
  keyPackage: string;
  lastResort: boolean;
}

export class DeliveryService {
  constructor(
    private readonly api: DeliveryApi,
    readonly deviceId: string,
  ) {}

  async findGroup(context: string): Promise<MlsGroup | null> {
    try {
      return await this.api.get<MlsGroup>(`/api/mls/groups?context=${encodeURIComponent(context)}`);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  group(id: string): Promise<MlsGroup> {
    return this.api.get<MlsGroup>(`/api/mls/groups/${id}`);
  }

  /** null when someone else created the context's group first (409). */
  async createGroup(context: string, cipherSuite: string): Promise<MlsGroup | null> {
    try {
      return await this.api.post<MlsGroup>('/api/mls/groups', { context, deviceId: this.deviceId, cipherSuite });
    } catch (error) {
      if (statusOf(error) === 409) return null;
      throw error;
    }
  }

  async welcomes(): Promise<WelcomeEntry[]> {
    return (await this.api.get<{ welcomes: WelcomeEntry[] }>(`/api/mls/welcomes?deviceId=${this.deviceId}`)).welcomes;
  }

  async messages(groupId: string, afterSeq: number): Promise<{ messages: MlsMessage[]; joinedSeq: number }> {
    const q = `deviceId=${this.deviceId}&afterSeq=${afterSeq}&limit=200`;
    return this.api.get<{ messages: MlsMessage[]; joinedSeq: number }>(`/api/mls/groups/${groupId}/messages?${q}`);
  }

  /** One key package for each of the person's active devices not yet a member, or only for `devices`. */
  async claim(groupId: string, userId: string, devices?: string[]): Promise<ClaimedKeyPackage[]> {
    const res = await this.api.post<{ keyPackages: ClaimedKeyPackage[] }>(
      `/api/mls/groups/${groupId}/key-packages/claim`,
      { deviceId: this.deviceId, userId, ...(devices ? { devices } : {}) },
    );
    return res.keyPackages;
  }

  /** true: accepted; false: another commit won the epoch (409): process it and try again. */
  async commit(groupId: string, body: CommitToSend): Promise<boolean> {
    try {
      await this.api.post(`/api/mls/groups/${groupId}/commits`, commitBody(this.deviceId, body));
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  /** The message's seq, or null when the group moved to another epoch meanwhile (409). */
  async send(groupId: string, epoch: bigint, message: Uint8Array): Promise<number | null> {
    try {
      const res = await this.api.post<{ seq: number }>(`/api/mls/groups/${groupId}/messages`, {
        deviceId: this.deviceId,
        epoch: Number(epoch),
        message: toB64(message),
      });
      return res.seq;
    } catch (error) {
      if (statusOf(error) === 409) return null;
      throw error;
    }
  }

  /** The GroupInfo of the group's current epoch (RFC 9420 §12.4.3.2), or null when none is published for it. */
  async groupInfo(groupId: string): Promise<PublishedGroupInfo | null> {
    try {
      return await this.api.get<PublishedGroupInfo>(`/api/mls/groups/${groupId}/group-info`);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  /** Publishes this epoch's GroupInfo; false when the group moved on meanwhile (409). */
  async publishGroupInfo(groupId: string, epoch: bigint, groupInfo: Uint8Array): Promise<boolean> {
    try {
      await this.api.post(`/api/mls/groups/${groupId}/group-info`, {
        deviceId: this.deviceId,
        epoch: Number(epoch),
        groupInfo: toB64(groupInfo),
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  /** The seq of the accepted external commit, or null when another commit won the epoch or we are in already (409). */
  async externalCommit(
    groupId: string,
    body: { epoch: bigint; commit: Uint8Array; leafIndex: number },
  ): Promise<number | null> {
    try {
      const res = await this.api.post<{ seq: number }>(`/api/mls/groups/${groupId}/external-commits`, {
        deviceId: this.deviceId,
        epoch: Number(body.epoch),
        commit: toB64(body.commit),
        leafIndex: body.leafIndex,
      });
      return res.seq;
    } catch (error) {
      if (statusOf(error) === 409) return null;
      throw error;
    }
  }

  /** A chair starts the context's thread anew over `groupId` (see the server's mls-external.ts). */
  reestablish(groupId: string, cipherSuite: string): Promise<MlsGroup> {
    return this.api.post<MlsGroup>(`/api/mls/groups/${groupId}/reestablish`, { deviceId: this.deviceId, cipherSuite });
  }

  leave(groupId: string): Promise<unknown> {
    return this.api.post(`/api/mls/groups/${groupId}/leave`, { deviceId: this.deviceId });
  }
}

export const decodeMessage = (m: { message: string }): Uint8Array => fromB64(m.message);
