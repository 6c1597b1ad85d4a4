// Bytes as the page and the worker speak them; base64 is the Delivery Service's, from @parley/e2ee.

export { fromB64, toB64 } from '@parley/e2ee';

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const fromUtf8 = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);
