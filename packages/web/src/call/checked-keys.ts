// Which device keys the person using this browser has compared with their owners over another channel. Trusting a
// key is this person's decision, so it stays in this browser and is never sent to the server. A mark names the
// fingerprint it was given for: a key that changes again is flagged again.

const STORAGE_KEY = 'parley.checked-device-keys';

export type CheckedKeys = Readonly<Record<string, string>>;

const slot = (d: { userId: string; deviceId: string }) => `${d.userId}:${d.deviceId}`;

export function loadCheckedKeys(): CheckedKeys {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as CheckedKeys) : {};
  } catch {
    return {};
  }
}

export function markKeyChecked(d: { userId: string; deviceId: string; fingerprint: string }): CheckedKeys {
  const next = { ...loadCheckedKeys(), [slot(d)]: d.fingerprint };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage refused (private mode, quota): the mark holds for this page only.
  }
  return next;
}

/** Pure: whether this exact key was marked as checked here. */
export function isKeyChecked(
  checked: CheckedKeys,
  d: { userId: string; deviceId: string; fingerprint: string },
): boolean {
  return d.fingerprint !== '' && checked[slot(d)] === d.fingerprint;
}
