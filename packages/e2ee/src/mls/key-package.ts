// Key packages: what a device uploads so a present member can add it to a call's group.
import {
  type Capabilities,
  type CiphersuiteImpl,
  decodeMlsMessage,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  type KeyPackage,
  type PrivateKeyPackage,
  type Welcome,
} from 'ts-mls';
import { defaultGreaseConfig, greaseCapabilities } from 'ts-mls/grease.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { bytesEqual, decodeFrames, encodeFrames, toHex } from './bytes.js';
import { type DeviceIdentity, deviceCredential } from './identity.js';
import {
  getMlsCipherSuite,
  isSupportedMlsCipherSuite,
  MLS_DEFAULT_CIPHER_SUITE,
  type MlsCipherSuiteName,
} from './suites.js';

/** Default validity of a key package. Short enough that a leaked, unused one soon becomes useless. */
export const MLS_KEY_PACKAGE_LIFETIME_SECONDS = 7 * 24 * 3600;

export interface KeyPackageBundle {
  cipherSuite: MlsCipherSuiteName;
  /** MLSMessage(KeyPackage): upload this to the server. */
  publicBytes: Uint8Array;
  /**
   * The key package's HPKE init and leaf private keys. Keep them on the device (IndexedDB) until the Welcome
   * arrives and delete them after joining: a key package is single-use. The device's signature key is not
   * duplicated here; joining takes it from the DeviceIdentity.
   */
  privateBytes: Uint8Array;
  /** KeyPackageRef (hex): how a Welcome names its recipients, so the server can route Welcomes by it. */
  ref: string;
}

/**
 * What a Parley leaf advertises: its own suite and basic credentials only, plus ts-mls's random GREASE values
 * (RFC 9420 §13.5) so peers keep tolerating unknown entries. ts-mls's defaultCapabilities() lists all 19 suites
 * and x509; that costs 40 bytes in every leaf of every tree sent in a Welcome, and ts-mls 1.6.4 decodes each
 * listed suite through a slow enum lookup, which made joining a 200-member call noticeably slower.
 */
function parleyCapabilities(cipherSuite: MlsCipherSuiteName): Capabilities {
  return greaseCapabilities(defaultGreaseConfig, {
    versions: ['mls10'],
    ciphersuites: [cipherSuite],
    extensions: [],
    proposals: [],
    credentials: ['basic'],
  });
}

export interface CreateKeyPackageOptions {
  cipherSuite?: MlsCipherSuiteName;
  lifetimeSeconds?: number;
  /** Clock override (seconds since the epoch), for tests. */
  nowSeconds?: number;
}

export async function createKeyPackage(
  identity: DeviceIdentity,
  options: CreateKeyPackageOptions = {},
): Promise<KeyPackageBundle> {
  const cipherSuite = options.cipherSuite ?? MLS_DEFAULT_CIPHER_SUITE;
  const impl = await getMlsCipherSuite(cipherSuite);
  const now = BigInt(Math.floor(options.nowSeconds ?? Date.now() / 1000));
  // notBefore is backdated a little so a joiner whose clock runs slightly ahead is not refused by the adder.
  const lifetime = {
    notBefore: now - 300n,
    notAfter: now + BigInt(options.lifetimeSeconds ?? MLS_KEY_PACKAGE_LIFETIME_SECONDS),
  };
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    deviceCredential(identity),
    parleyCapabilities(cipherSuite),
    lifetime,
    [],
    { signKey: identity.signaturePrivateKey, publicKey: identity.signaturePublicKey },
    impl,
  );
  return {
    cipherSuite,
    publicBytes: encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }),
    privateBytes: encodeFrames('PKPP', 1, [privatePackage.initPrivateKey, privatePackage.hpkePrivateKey]),
    ref: toHex(await makeKeyPackageRef(publicPackage, impl.hash)),
  };
}

/** Decodes an uploaded key package and checks it is one this build can use. Signature checks happen in ts-mls. */
export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const decoded = decodeMlsMessage(bytes, 0);
  if (!decoded || decoded[1] !== bytes.length || decoded[0].wireformat !== 'mls_key_package') {
    throw new Error('not an MLS key package');
  }
  const keyPackage = decoded[0].keyPackage;
  if (!isSupportedMlsCipherSuite(keyPackage.cipherSuite)) {
    throw new Error(`key package uses unsupported cipher suite ${keyPackage.cipherSuite}`);
  }
  return keyPackage;
}

export async function keyPackageRef(keyPackage: KeyPackage, impl: CiphersuiteImpl): Promise<string> {
  return toHex(await makeKeyPackageRef(keyPackage, impl.hash));
}

/** Reassembles what ts-mls's joinGroup needs from a stored bundle and the device identity that made it. */
export function openKeyPackageBundle(
  bundle: KeyPackageBundle,
  identity: DeviceIdentity,
): { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage } {
  const publicPackage = decodeKeyPackage(bundle.publicBytes);
  if (!bytesEqual(publicPackage.leafNode.signaturePublicKey, identity.signaturePublicKey)) {
    throw new Error('key package was not made with this device identity');
  }
  const [initPrivateKey, hpkePrivateKey] = decodeFrames('PKPP', 1, bundle.privateBytes, 2) as [Uint8Array, Uint8Array];
  return {
    publicPackage,
    privatePackage: { initPrivateKey, hpkePrivateKey, signaturePrivateKey: identity.signaturePrivateKey },
  };
}

/** The stored key package a Welcome is addressed to (matched by KeyPackageRef), opened for joinGroup. */
export async function findWelcomeKeyPackage(
  welcome: Welcome,
  bundles: KeyPackageBundle[],
  identity: DeviceIdentity,
  impl: CiphersuiteImpl,
): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage; ref: string } | undefined> {
  const recipients = new Set(welcome.secrets.map((secret) => toHex(secret.newMember)));
  for (const bundle of bundles) {
    if (bundle.cipherSuite !== welcome.cipherSuite || !recipients.has(bundle.ref)) continue;
    const opened = openKeyPackageBundle(bundle, identity);
    // The stored ref is only a hint: recompute it from the package itself.
    const ref = await keyPackageRef(opened.publicPackage, impl);
    if (recipients.has(ref)) return { ...opened, ref };
  }
  return undefined;
}
