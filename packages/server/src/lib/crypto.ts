import { createHash, randomBytes } from 'node:crypto';

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** 256-bit URL-safe secret for session cookies, invitation and calendar tokens. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
