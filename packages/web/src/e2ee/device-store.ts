// Device-local storage of E2EE secrets in IndexedDB. Secrets (the device's MLS signature key, the private halves of
// uploaded key packages) are stored only as AES-GCM ciphertext under a wrapping key that is itself a non-extractable
// WebCrypto key kept in the same database: IndexedDB structured-clones CryptoKey objects without exposing their
// bytes, so script (ours or injected later) can use the key but never read it out, and a copy of the profile's
// files alone is useless. Each ciphertext is bound to its record name (AAD) so records cannot be swapped.

const DB_NAME = 'parley-e2ee';
const STORE = 'kv';
const WRAP_KEY = 'wrap-key';

function promised<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(name: string): Promise<IDBDatabase> {
  const request = indexedDB.open(name, 1);
  request.onupgradeneeded = () => {
    if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
  };
  return promised(request);
}

interface Sealed {
  iv: Uint8Array;
  data: Uint8Array;
}

export class DeviceStore {
  #db: Promise<IDBDatabase>;
  #wrapKey: Promise<CryptoKey> | undefined;

  constructor(dbName: string = DB_NAME) {
    this.#db = openDb(dbName);
  }

  async #get<T>(key: string): Promise<T | undefined> {
    const db = await this.#db;
    return (await promised(db.transaction(STORE, 'readonly').objectStore(STORE).get(key))) as T | undefined;
  }

  async #put(key: string, value: unknown): Promise<void> {
    const db = await this.#db;
    await promised(db.transaction(STORE, 'readwrite').objectStore(STORE).put(value, key));
  }

  async delete(key: string): Promise<void> {
    const db = await this.#db;
    await promised(db.transaction(STORE, 'readwrite').objectStore(STORE).delete(key));
  }

  /** The wrapping key; created once per browser profile, never extractable. */
  #key(): Promise<CryptoKey> {
    this.#wrapKey ??= (async () => {
      const existing = await this.#get<CryptoKey>(WRAP_KEY);
      if (existing) return existing;
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      // add() rather than put(): if another tab created one meanwhile, keep theirs (records wrapped under it).
      const db = await this.#db;
      try {
        await promised(db.transaction(STORE, 'readwrite').objectStore(STORE).add(key, WRAP_KEY));
        return key;
      } catch {
        const winner = await this.#get<CryptoKey>(WRAP_KEY);
        if (!winner) throw new Error('cannot store the device wrapping key');
        return winner;
      }
    })();
    return this.#wrapKey;
  }

  /** Encrypts and stores a secret under `name`. */
  async putSecret(name: string, plaintext: Uint8Array): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const aad = new TextEncoder().encode(name);
    const data = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: aad },
        await this.#key(),
        plaintext as Uint8Array<ArrayBuffer>,
      ),
    );
    await this.#put(name, { iv, data } satisfies Sealed);
  }

  /** The secret stored under `name`; undefined if absent; throws if it was tampered with or moved. */
  async getSecret(name: string): Promise<Uint8Array | undefined> {
    const sealed = await this.#get<Sealed>(name);
    if (!sealed) return undefined;
    const aad = new TextEncoder().encode(name);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv as Uint8Array<ArrayBuffer>, additionalData: aad },
      await this.#key(),
      sealed.data as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  }

  /** Non-secret records (e.g. which device keys this browser has seen). */
  getPlain<T>(name: string): Promise<T | undefined> {
    return this.#get<T>(`plain:${name}`);
  }

  putPlain(name: string, value: unknown): Promise<void> {
    return this.#put(`plain:${name}`, value);
  }

  async close(): Promise<void> {
    (await this.#db).close();
  }
}
