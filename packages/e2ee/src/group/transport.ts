// What an MLS group client is given to reach the Delivery Service and hear its events (docs/call-keys.md §2.2):
// the browser passes its app HTTP client and WebSocket client, Node passes an inject client and the server's hub.
import type { DomainEvent, Topic } from '@parley/protocol';

/** HTTP-like requests to the Delivery Service (packages/server/src/modules/keys). Errors carry `status`. */
export interface DeliveryApi {
  get<T>(url: string): Promise<T>;
  post<T>(url: string, body?: unknown): Promise<T>;
}

/** Topic events as a realtime (WebSocket) client sees them, and a hook for when the stream was interrupted. */
export interface GroupEvents {
  subscribe(topic: Topic, listener: (event: DomainEvent) => void): () => void;
  onReconnect?(handler: () => void): () => void;
}

/** HTTP status of a failed request (the app's ApiError and most fetch wrappers carry it). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Standard base64 (what the Delivery Service speaks) without Node's Buffer, for page, worker and Node alike. */
export function toB64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromB64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
