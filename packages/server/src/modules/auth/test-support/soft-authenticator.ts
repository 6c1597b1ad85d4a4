import { createHash, KeyObject, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(bytes as Uint8Array<ArrayBuffer>);
const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash('sha256').update(data).digest());
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const u32 = (n: number) => new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

/**
 * A software WebAuthn authenticator for tests: a real ES256 key pair from WebCrypto, real CBOR attestation
 * objects ('none' format) and real signed assertions, checked by the real @simplewebauthn/server.
 */
export class SoftAuthenticator {
  counter = 0;
  /** The account handle the relying party gave at registration (returned as userHandle, as passkeys do). */
  userHandle: string | null = null;

  private constructor(
    readonly credentialId: Uint8Array,
    private readonly keys: CryptoKeyPair,
    readonly cosePublicKey: Uint8Array,
  ) {}

  static async create(): Promise<SoftAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
    // COSE_Key for EC2/ES256 (RFC 9053): kty 2, alg -7, crv 1 (P-256), x, y.
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x!)],
        [-3, isoBase64URL.toBuffer(jwk.y!)],
      ]),
    );
    return new SoftAuthenticator(new Uint8Array(randomBytes(16)), keys, cose);
  }

  get id(): string {
    return b64(this.credentialId);
  }

  private authData(rpId: string, flags: number, attested: boolean): Uint8Array {
    const head = concat(sha256(rpId), new Uint8Array([flags]), u32(this.counter));
    if (!attested) return head;
    const aaguid = new Uint8Array(16);
    const len = new Uint8Array([this.credentialId.length >> 8, this.credentialId.length & 255]);
    return concat(head, aaguid, len, this.credentialId, this.cosePublicKey);
  }

  private clientData(type: string, challenge: string, origin: string): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  register(options: PublicKeyCredentialCreationOptionsJSON, origin: string): RegistrationResponseJSON {
    this.userHandle = options.user.id;
    const authData = this.authData(options.rp.id ?? new URL(origin).hostname, FLAG_UP | FLAG_UV | FLAG_AT, true);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, number>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, number>()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(this.clientData('webauthn.create', options.challenge, origin)),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  async authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    origin: string,
    opts: { userVerified?: boolean } = {},
  ): Promise<AuthenticationResponseJSON> {
    this.counter += 1;
    const flags = FLAG_UP | (opts.userVerified === false ? 0 : FLAG_UV);
    const authData = this.authData(options.rpId ?? new URL(origin).hostname, flags, false);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, origin);
    // WebAuthn wants ASN.1 DER signatures; WebCrypto's key, signed through node with DER encoding.
    const signature = sign('sha256', concat(authData, sha256(clientDataJSON)), {
      key: KeyObject.from(this.keys.privateKey),
      dsaEncoding: 'der',
    });
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(clientDataJSON),
        authenticatorData: b64(authData),
        signature: b64(new Uint8Array(signature)),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
