import { describe, expect, it } from 'vitest';
import { utf8 } from './bytes.js';
import {
  createDeviceIdentity,
  decodeDeviceIdentity,
  encodeCredentialIdentity,
  encodeDeviceIdentity,
  keyFingerprint,
  parleyAuthenticationService,
  parseCredentialIdentity,
} from './identity.js';
import { getMlsCipherSuite, MLS_DEFAULT_CIPHER_SUITE } from './suites.js';

describe('device identity', () => {
  it('encodes user and device as "user:device" and parses it back strictly', () => {
    const bytes = encodeCredentialIdentity({ userId: 'u_42', deviceId: 'laptop-1' });
    expect(new TextDecoder().decode(bytes)).toBe('u_42:laptop-1');
    expect(parseCredentialIdentity(bytes)).toEqual({ userId: 'u_42', deviceId: 'laptop-1' });
    for (const bad of ['u42', 'a:b:c', ':dev', 'user:', 'us er:dev', 'user:dév', `${'x'.repeat(129)}:d`]) {
      expect(parseCredentialIdentity(utf8(bad))).toBeNull();
    }
    expect(parseCredentialIdentity(Uint8Array.of(0xff, 0x3a, 0x41))).toBeNull();
    expect(() => encodeCredentialIdentity({ userId: 'a:b', deviceId: 'd' })).toThrow();
  });

  it('fingerprints the signature key as grouped SHA-256 hex', () => {
    // SHA-256 of 32 zero bytes.
    expect(keyFingerprint(new Uint8Array(32))).toBe(
      '6668 7AAD F862 BD77 6C8F C18B 8E9F 8E20 0897 1485 6EE2 33B3 902A 591D 0D5F 2925',
    );
  });

  it('creates an Ed25519 key that signs for MLS, and survives storage', async () => {
    const identity = await createDeviceIdentity('alice', 'phone');
    expect(identity.signaturePublicKey).toHaveLength(32);
    const stored = decodeDeviceIdentity(encodeDeviceIdentity(identity));
    expect(stored).toEqual(identity);
    const impl = await getMlsCipherSuite(MLS_DEFAULT_CIPHER_SUITE);
    const message = utf8('leaf node to be signed');
    const signature = await impl.signature.sign(stored.signaturePrivateKey, message);
    expect(await impl.signature.verify(identity.signaturePublicKey, message, signature)).toBe(true);
    expect(() => decodeDeviceIdentity(utf8('PMLS\u0001'))).toThrow();
  });

  it('refuses non-Parley credentials and defers the rest to the device-key log hook', async () => {
    const seen: string[] = [];
    const service = parleyAuthenticationService(({ userId, deviceId }) => {
      seen.push(`${userId}/${deviceId}`);
      return userId !== 'mallory';
    });
    const key = new Uint8Array(32);
    const basic = (text: string) => ({ credentialType: 'basic' as const, identity: utf8(text) });
    expect(await service.validateCredential(basic('alice:phone'), key)).toBe(true);
    expect(await service.validateCredential(basic('mallory:phone'), key)).toBe(false);
    expect(await service.validateCredential(basic('not an identity'), key)).toBe(false);
    expect(await service.validateCredential({ credentialType: 'x509', certificates: [] }, key)).toBe(false);
    expect(seen).toEqual(['alice/phone', 'mallory/phone']);
  });
});
