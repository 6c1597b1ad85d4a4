import type { Problem } from '@parley/protocol';

/** A failed request, carrying the server's problem document so forms can show each error next to its field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
  }

  /**
   * Field errors keyed by the field's name within the body (`body.email` → `email`), each said from its code in the
   * reader's language, or in the server's words for a code the web does not know.
   */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = e.path.replace(/^(body|params|querystring)\./, '');
      out[key] ??= (e.code ? fieldWords(e.code, e.params ?? {}) : null) ?? e.message;
    }
    return out;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const unauthorizedListeners = new Set<() => void>();

/**
 * Called whenever the server answers 401 outside the sign-in routes: the session is gone (revoked, expired, the
 * account disabled), and the page must go to sign-in rather than show what it cannot load as empty.
 */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function request<T>(method: Method, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, {
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      code: 'network',
      detail: 'The server could not be reached. Check your connection and try again.',
    });
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    // Sign-in routes answer 401 for a wrong password or code: that is the form's business, not a lost session.
    if (res.status === 401 && !url.startsWith('/api/auth/')) for (const l of unauthorizedListeners) l();
    const p = (data ?? {}) as Partial<Problem>;
    throw new ApiError(res.status, {
      type: p.type ?? 'about:blank',
      title: p.title ?? res.statusText ?? 'Error',
      status: res.status,
      ...(p.detail ? { detail: p.detail } : {}),
      ...(p.code ? { code: p.code } : {}),
      ...(p.retryAfter ? { retryAfter: p.retryAfter } : {}),
      ...(p.errors ? { errors: p.errors } : {}),
      // A 409 names the resource's state as the server sees it, so a view can redraw instead of guessing.
      ...(p.currentState !== undefined ? { currentState: p.currentState } : {}),
      // A stable reason the UI reacts to (a chair's step-up, say).
      ...(typeof p.code === 'string' ? { code: p.code } : {}),
    });
  }
  return data as T;
}

export const http = {
  get: <T>(url: string) => request<T>('GET', url),
  post: <T>(url: string, body: unknown = {}) => request<T>('POST', url, body),
  patch: <T>(url: string, body: unknown) => request<T>('PATCH', url, body),
  put: <T>(url: string, body: unknown) => request<T>('PUT', url, body),
  delete: <T>(url: string) => request<T>('DELETE', url),
};

/**
 * A refusal's code in the reader's language, or null to use the server's own words. Set by the i18n module (this
 * file stays free of it, so test harnesses can use the client alone).
 */
export type ErrorWords = (code: string, values: Record<string, number>, detail: string | undefined) => string | null;
let words: ErrorWords = () => null;
export function setErrorWords(fn: ErrorWords): void {
  words = fn;
}

/** A field error's code in the reader's language, or null for a code without a message (set like ErrorWords). */
export type FieldWords = (code: string, params: Record<string, string | number | string[]>) => string | null;
let fieldWords: FieldWords = () => null;
export function setFieldWords(fn: FieldWords): void {
  fieldWords = fn;
}

/** The codes a problem gets from its status alone (the server's http/errors.ts). */
const STATUS_CODES = new Set(['bad_request', 'not_found', 'conflict', 'forbidden', 'unauthorized']);

/** A human sentence for any error, in the reader's language, for the form-level message area. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const { code, detail, retryAfter, errors } = err.problem;
    // A route's own check that names one field with its code says more than the status's general sentence, and is
    // what a person reads where the form has no such field (an agenda's order, a passkey ceremony).
    const only = errors?.length === 1 ? errors[0] : undefined;
    if (only?.code && (!code || STATUS_CODES.has(code))) {
      const field = fieldWords(only.code, only.params ?? {});
      if (field) return field;
    }
    const said = code ? words(code, retryAfter ? { seconds: retryAfter } : {}, detail) : null;
    if (said) return said;
    if (err.status === 429) return detail ?? 'Too many attempts. Wait a moment and try again.';
    if (err.status === 403) return detail ?? 'You are not allowed to do this.';
    return detail ?? err.problem.title;
  }
  if (err instanceof DOMException && err.name === 'NotAllowedError') {
    return words('cancelled', {}, undefined) ?? 'The request was cancelled or timed out.';
  }
  if (err instanceof Error) return err.message;
  return words('unknown', {}, undefined) ?? 'Something went wrong.';
}
