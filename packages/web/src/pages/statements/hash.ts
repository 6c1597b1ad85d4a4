/** SHA-256 of the UTF-8 text, computed in this browser: what a chair approves is checked against what they read. */
export async function sha256Hex(text: string): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const hashPrefix = (h: string) => `${h.slice(0, 8)}…${h.slice(-4)}`;
