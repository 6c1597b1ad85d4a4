import type { Problem } from '@parley/protocol';

export interface FieldError {
  path: string;
  message: string;
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
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpError(400, 'Bad Request', detail, errors);
export const unauthorized = (detail = 'Sign in first') => new HttpError(401, 'Unauthorized', detail);
export const forbidden = (detail = 'You may not do this') => new HttpError(403, 'Forbidden', detail);
/** Used both for missing resources and for ones the caller may not know exist, so the two look the same. */
export const notFound = (what = 'Resource') => new HttpError(404, 'Not Found', `${what} not found`);
export const conflict = (detail: string, currentState?: unknown, errors?: FieldError[]) =>
  new HttpError(409, 'Conflict', detail, errors, currentState === undefined ? {} : { currentState });
export const tooManyRequests = (retryAfterSeconds: number) =>
  new HttpError(
    429,
    'Too Many Requests',
    `Try again in ${retryAfterSeconds} s`,
    undefined,
    {},
    {
      'retry-after': String(retryAfterSeconds),
    },
  );
export const fieldError = (status: number, path: string, message: string) =>
  new HttpError(
    status,
    status === 409 ? 'Conflict' : status === 404 ? 'Not Found' : 'Bad Request',
    `${path}: ${message}`,
    [{ path, message }],
  );
