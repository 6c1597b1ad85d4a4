// Device identity: one Ed25519 MLS signature key pair per device, named in an MLS BasicCredential.
//
// Credential identity format (documented contract with the server and the device-key log):
//   UTF-8 of `${userId}:${deviceId}`, each part 1–128 characters of [A-Za-z0-9._~@+-].
// Both parts exclude ':' so the split is unambiguous, and the restricted alphabet means there is exactly one
// byte string per (user, device): no Unicode normalisation or escaping questions when the server or another
// member compares identities. Parsing is strict and rejects anything else.
import { sha256 } from '@noble/hashes/sha2.js';
import type { AuthenticationService, Credential } from 'ts-mls';
import { decodeFrames, encodeFrames, fromUtf8, toHex, utf8 } from './bytes.js';
import { getMlsCipherSuite, MLS_DEFAULT_CIPHER_SUITE } from './suites.js';

const ID_PART = /^[A-Za-z0-9._~@+-]{1,128}$/;

export interface DeviceRef {
  userId: string;
  deviceId: string;
}

/** A device's long-term MLS signing identity. The private key never leaves the device. */
export interface DeviceIdentity extends DeviceRef {
  /** Raw 32-byte Ed25519 public key, as it appears in MLS leaf nodes. */
  signaturePublicKey: Uint8Array;
  /** Private key in the form ts-mls's signer takes (PKCS#8 from WebCrypto, or a raw 32-byte seed). */
  signaturePrivateKey: Uint8Array;
}

/** What the rest of the group may check about a member before accepting it (e.g. against the device-key log). */
export interface MemberCredentialCheck extends DeviceRef {
  signaturePublicKey: Uint8Array;
}

export type VerifyMember = (member: MemberCredentialCheck) => boolean | Promise<boolean>;

function assertIdPart(kind: string, value: string): void {
  if (!ID_PART.test(value)) throw new Error(`invalid ${kind} for an MLS credential: ${JSON.stringify(value)}`);
}

export function encodeCredentialIdentity(ref: DeviceRef): Uint8Array {
  assertIdPart('userId', ref.userId);
  assertIdPart('deviceId', ref.deviceId);
  return utf8(`${ref.userId}:${ref.deviceId}`);
}

/** Strict inverse of encodeCredentialIdentity; null for anything that is not a Parley identity. */
export function parseCredentialIdentity(identity: Uint8Array): DeviceRef | null {
  let text: string;
  try {
    text = fromUtf8(identity);
  } catch {
    return null;
  }
  const parts = text.split(':');
  if (parts.length !== 2) return null;
  const [userId, deviceId] = parts as [string, string];
  return ID_PART.test(userId) && ID_PART.test(deviceId) ? { userId, deviceId } : null;
}

export function parseCredential(credential: Credential): DeviceRef | null {
  return credential.credentialType === 'basic' ? parseCredentialIdentity(credential.identity) : null;
}

export function deviceCredential(ref: DeviceRef): Credential {
  return { credentialType: 'basic', identity: encodeCredentialIdentity(ref) };
}

/** Creates a fresh Ed25519 signing key for a device, with the same signer ts-mls uses for every supported suite. */
export async function createDeviceIdentity(userId: string, deviceId: string): Promise<DeviceIdentity> {
  assertIdPart('userId', userId);
  assertIdPart('deviceId', deviceId);
  // Both supported suites sign with Ed25519, so one device key serves X25519 and X-Wing groups alike.
  const impl = await getMlsCipherSuite(MLS_DEFAULT_CIPHER_SUITE);
  const { publicKey, signKey } = await impl.signature.keygen();
  return { userId, deviceId, signaturePublicKey: publicKey, signaturePrivateKey: signKey };
}

const IDENTITY_MAGIC = 'PDID';

/** Serialises a device identity (including its private key) for device-local storage such as IndexedDB. */
export function encodeDeviceIdentity(identity: DeviceIdentity): Uint8Array {
  return encodeFrames(IDENTITY_MAGIC, 1, [
    encodeCredentialIdentity(identity),
    identity.signaturePublicKey,
    identity.signaturePrivateKey,
  ]);
}

export function decodeDeviceIdentity(bytes: Uint8Array): DeviceIdentity {
  const [id, signaturePublicKey, signaturePrivateKey] = decodeFrames(IDENTITY_MAGIC, 1, bytes, 3) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const ref = parseCredentialIdentity(id);
  if (!ref) throw new Error('stored device identity has an invalid credential identity');
  return { ...ref, signaturePublicKey, signaturePrivateKey };
}

/**
 * Fingerprint of a signature public key for the device-key log and for reading aloud:
 * SHA-256 of the raw key, upper-case hex in 16 groups of 4 (e.g. "3F2A 9C01 …").
 */
export function keyFingerprint(signaturePublicKey: Uint8Array): string {
  const hex = toHex(sha256(signaturePublicKey)).toUpperCase();
  return hex.match(/.{4}/g)!.join(' ');
}

/**
 * ts-mls calls this for every leaf it validates (key packages, joins, commits). A member whose credential is not a
 * well-formed Parley identity is refused outright; the optional hook then lets the app check the key against the
 * device-key log.
 */
export function parleyAuthenticationService(verifyMember?: VerifyMember): AuthenticationService {
  return {
    async validateCredential(credential, signaturePublicKey) {
      const ref = parseCredential(credential);
      if (!ref) return false;
      return verifyMember ? await verifyMember({ ...ref, signaturePublicKey }) : true;
    },
  };
}
