// Small byte helpers shared by the MLS wrapper. Nothing here is cryptographic: the length-prefixed codec only
// frames values we persist ourselves (device identity, key-package private half, session state envelope).

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Equality for public values (message bytes, keys). Not constant-time: never use it on secrets. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time comparison for MAC tags: the loop never exits early on a mismatch. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Frames values as `magic(4) ‖ version(1) ‖ (u32 length ‖ bytes)*`. The magic catches a blob handed to the wrong
 * decoder (e.g. a device identity passed where session state is expected) before anything is parsed.
 */
export function encodeFrames(magic: string, version: number, fields: Uint8Array[]): Uint8Array {
  const head = utf8(magic);
  if (head.length !== 4) throw new Error('frame magic must be 4 ASCII bytes');
  const parts: Uint8Array[] = [head, Uint8Array.of(version)];
  for (const field of fields) {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, field.length);
    parts.push(len, field);
  }
  return concatBytes(...parts);
}

export function decodeFrames(magic: string, version: number, bytes: Uint8Array, count: number): Uint8Array[] {
  if (bytes.length < 5 || fromUtf8(bytes.subarray(0, 4)) !== magic) throw new Error(`not a ${magic} blob`);
  if (bytes[4] !== version) throw new Error(`unsupported ${magic} version ${bytes[4]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Uint8Array[] = [];
  let offset = 5;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) throw new Error(`truncated ${magic} blob`);
    const len = view.getUint32(offset);
    offset += 4;
    if (offset + len > bytes.length) throw new Error(`truncated ${magic} blob`);
    fields.push(bytes.slice(offset, offset + len));
    offset += len;
  }
  if (fields.length !== count) throw new Error(`${magic} blob has ${fields.length} fields, expected ${count}`);
  return fields;
}
