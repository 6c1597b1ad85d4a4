/** Fields of Janus requests and responses that grant access: never logged. */
const SECRET_KEYS = new Set([
  'secret',
  'new_secret',
  'admin_secret',
  'apisecret',
  'admin_key',
  'pin',
  'new_pin',
  'token',
  'allowed',
]);

const CENSOR = '[redacted]';

/** A deep copy of a Janus message with every secret-bearing field replaced (SDPs are kept: they hold no keys). */
export function redactMessage(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactMessage(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? CENSOR : redactMessage(v, depth + 1);
  return out;
}

// Janus prints secrets in verbose lines such as `Created VideoRoom: 1 (…, secret: abc, pin: no pin, …)` and echoes
// JSON requests at high debug levels.
const LINE_PATTERNS: RegExp[] = [
  /("(?:secret|new_secret|admin_secret|apisecret|admin_key|pin|new_pin|token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
  /("allowed"\s*:\s*)\[[^\]]*\]/gi,
  /\b((?:secret|pin|token|admin_key|admin_secret)\s*[:=]\s*)(?!no pin\b|no secret\b)[^\s,)]+/gi,
];

/** Redacts Janus log lines: structured patterns plus the exact values Parley knows to be secret. */
export class LineRedactor {
  private readonly values = new Set<string>();

  add(...values: (string | null | undefined)[]): void {
    for (const v of values) if (v && v.length >= 4) this.values.add(v);
  }

  delete(...values: (string | null | undefined)[]): void {
    for (const v of values) if (v) this.values.delete(v);
  }

  line(text: string): string {
    let out = text;
    for (const re of LINE_PATTERNS) out = out.replace(re, `$1${CENSOR}`);
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(CENSOR);
    return out;
  }
}
