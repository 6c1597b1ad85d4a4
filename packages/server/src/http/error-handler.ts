import { fieldCode } from '@parley/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpError } from './errors.js';

const PROBLEM = 'application/problem+json; charset=utf-8';

interface ZodIssueLike {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[] } & Record<string, unknown>;
}

function validationErrors(err: { validation: unknown[]; validationContext?: string }) {
  const context = err.validationContext ?? 'body';
  return (err.validation as ZodIssueLike[]).flatMap((v) => {
    const segments = (v.instancePath ?? '').split('/').filter(Boolean);
    const base = [context, ...segments].join('.');
    // Unknown keys are reported on the parent object; name each offending field instead.
    if (v.keyword === 'unrecognized_keys' && v.params?.keys?.length) {
      return v.params.keys.map((k) => ({ path: `${base}.${k}`, message: 'unknown field', code: 'unknown_field' }));
    }
    return [
      {
        path: base,
        message: v.message ?? 'invalid',
        ...fieldCode({ ...v.params, code: v.keyword, message: v.message }),
      },
    ];
  });
}

/** Map every failure to application/problem+json naming the failing fields; never leak internals on 5xx. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let problem: HttpError;
    if (error instanceof HttpError) {
      problem = error;
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = validationErrors(error as never);
      const listed = errors.map((e) => `${e.path.replace(/^(body|params|querystring)\./, '')} ${e.message}`);
      problem = new HttpError(400, 'Bad Request', `Please correct: ${listed.join('; ')}`, errors, {
        code: 'validation',
      });
    } else if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      problem = new HttpError(
        400,
        'Bad Request',
        'The body is not valid JSON',
        [{ path: 'body', message: error.message }],
        { code: 'invalid_json' },
      );
    } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      problem = new HttpError(413, 'Payload Too Large', 'The body is too large', [
        { path: 'body', message: 'too large' },
      ]);
    } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      problem = new HttpError(415, 'Unsupported Media Type', 'Send application/json', [
        { path: 'headers.content-type', message: 'must be application/json' },
      ]);
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      problem = new HttpError(error.statusCode, 'Bad Request', error.message);
    } else {
      request.log.error({ err: error }, 'unhandled error');
      problem = new HttpError(500, 'Internal Server Error', 'Something went wrong on our side');
    }
    for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
    reply
      .status(problem.status)
      .type(PROBLEM)
      .send(problem.toProblem(request.url.split('?')[0]));
  });

  app.setNotFoundHandler((request, reply) => {
    const p = new HttpError(404, 'Not Found', `No route ${request.method} ${request.url.split('?')[0]}`, undefined, {
      code: 'no_route',
    });
    reply.status(404).type(PROBLEM).send(p.toProblem());
  });
}
