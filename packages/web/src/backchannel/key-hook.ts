// Debug-only test hook: lets an end-to-end spec read the current epoch's exported key so it can prove the key never
// reaches the server. Compiled in only when the web build sets VITE_PARLEY_E2E_KEY_HOOK=1 (a separate test build);
// in production builds the condition is a constant false and the bundler drops the body.
import { toB64 } from '../e2ee/bytes.js';
import type { ThreadKeyManager } from './thread-manager.js';

type Hook = Record<string, () => Promise<string | null>>;

export function installKeyHook(context: string, manager: ThreadKeyManager): () => void {
  if (import.meta.env.VITE_PARLEY_E2E_KEY_HOOK !== '1') return () => {};
  const w = window as { __parleyThreadKeys?: Hook };
  w.__parleyThreadKeys ??= {};
  const hooks = w.__parleyThreadKeys;
  hooks[context] = async () => {
    const key = await manager.exportKeyForTests();
    return key ? toB64(key) : null;
  };
  return () => {
    delete hooks[context];
  };
}
