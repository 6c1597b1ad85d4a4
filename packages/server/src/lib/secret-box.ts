import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SecretsKeySource } from '../config.js';
import { sha256Hex } from './crypto.js';

const PREFIX = 'sealed:v1';

/**
 * AES-256-GCM with a server key, for secrets the server itself must read back (TOTP seeds). The value names the
 * key it was sealed with, so a server given the wrong key says so instead of refusing every code. `context` is
 * authenticated, not encrypted: a sealed value moved to another row (another user) no longer opens.
 */
export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
    this.keyId = sha256Hex(key).slice(0, 12);
  }

  static generate(): SecretBox {
    return new SecretBox(randomBytes(32));
  }

  static isSealed(value: string): boolean {
    return value.startsWith(`${PREFIX}:`);
  }

  /** The key as stored in a key file or SECRETS_KEY: 32 bytes, base64. */
  encodedKey(): string {
    return this.key.toString('base64');
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [PREFIX, this.keyId, iv.toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string, context: string): string {
    const [p, v, keyId, iv, body] = sealed.split(':');
    if (`${p}:${v}` !== PREFIX || !keyId || !iv || !body) throw new Error('not a sealed secret');
    if (keyId !== this.keyId)
      throw new Error(
        `a secret is sealed with key ${keyId} but this server's secrets key is ${this.keyId}: check SECRETS_KEY_FILE / SECRETS_KEY`,
      );
    const data = Buffer.from(body, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  }
}

export function decodeKey(text: string, where: string): SecretBox {
  const raw = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32)
    throw new Error(`${where} must hold a 32-byte key, base64 or hex (e.g. \`openssl rand -base64 32\`)`);
  return new SecretBox(key);
}

export function writeKeyFile(file: string, box: SecretBox): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${box.encodedKey()}\n`, { mode: 0o600, flag: 'wx' });
}

/**
 * The configured key, generating one into DATA_DIR when none is configured (first start). Loaded on first use, so
 * a process that never touches a sealed secret never needs (or creates) a key.
 */
export function secretBoxLoader(source: SecretsKeySource, warn: (message: string) => void): () => SecretBox {
  let box: SecretBox | undefined;
  return () => {
    if (box) return box;
    if (source.kind === 'env') {
      box = decodeKey(source.value, 'SECRETS_KEY');
    } else if (fs.existsSync(source.path)) {
      box = decodeKey(fs.readFileSync(source.path, 'utf8'), `SECRETS_KEY_FILE (${source.path})`);
    } else if (source.generate) {
      box = SecretBox.generate();
      writeKeyFile(source.path, box);
      warn(
        `generated the secrets key ${source.path}: it encrypts second-factor secrets. Back it up with (but apart from) the database; without it, authenticator apps must be set up again`,
      );
    } else {
      throw new Error(`SECRETS_KEY_FILE ${source.path} does not exist`);
    }
    return box;
  };
}
