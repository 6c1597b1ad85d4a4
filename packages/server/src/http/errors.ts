import type { Problem } from '@parley/protocol';

export interface FieldError {
  path: string;
  message: string;
  /** A stable code the web translates (@parley/protocol field-codes.ts), with its values. */
  code?: string;
  params?: Record<string, string | number | string[]>;
}

/** What a problem's `code` says when the thrower named nothing more precise (see Problem.code). */
const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal',
};

/** Names a refusal that people read with a stable code, so the web app can say it in the reader's language. */
export function withCode(err: HttpError, code: string): HttpError {
  return new HttpError(err.status, err.title, err.detail, err.errors, { ...err.extra, code }, err.headers);
}

/** An error that becomes an RFC 9457 problem document; anything else is a 500 with no detail leaked. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extra: Partial<Problem> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  toProblem(instance?: string): Problem {
    return {
      type: `https://parley.example/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      code: STATUS_CODES[this.status] ?? (this.status >= 500 ? 'internal' : 'bad_request'),
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpError(400, 'Bad Request', detail, errors);
export const unauthorized = (detail = 'Sign in first') =>
  new HttpError(401, 'Unauthorized', detail, undefined, detail === 'Sign in first' ? { code: 'sign_in_required' } : {});
export const forbidden = (detail = 'You may not do this') => new HttpError(403, 'Forbidden', detail);
/** Used both for missing resources and for ones the caller may not know exist, so the two look the same. */
export const notFound = (what = 'Resource') =>
  new HttpError(404, 'Not Found', `${what} not found`, undefined, { code: 'not_found' });
export const conflict = (detail: string, currentState?: unknown, errors?: FieldError[]) =>
  new HttpError(409, 'Conflict', detail, errors, currentState === undefined ? {} : { currentState });
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(
    429,
    'Too Many Requests',
    `Try again in ${retryAfterSeconds} s`,
    undefined,
    { code: 'too_many_requests', retryAfter: retryAfterSeconds },
    {
      'retry-after': String(retryAfterSeconds),
    },
  );
/** One refused field; `code` (field-codes.ts) and its `params` let the web say `message` in the reader's language. */
export const fieldError = (status: number, path: string, message: string, code?: string, params?: FieldParams) =>
  new HttpError(
    status,
    status === 409 ? 'Conflict' : status === 404 ? 'Not Found' : 'Bad Request',
    `${path}: ${message}`,
    [issue(path, message, code, params)],
  );

type FieldParams = NonNullable<FieldError['params']>;

/** A field error with its code (and values), for refusals that carry a field beside their own detail. */
export const issue = (path: string, message: string, code?: string, params?: FieldParams): FieldError => ({
  path,
  message,
  ...(code ? { code } : {}),
  ...(params ? { params } : {}),
});
