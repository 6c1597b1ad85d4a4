import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Cross-site request forgery guard: a browser always sends Origin on state-changing requests and WS upgrades. */
export function checkOrigin(request: FastifyRequest, allowed: readonly string[]): void {
  const origin = request.headers.origin;
  if (!origin)
    throw new HttpError(403, 'Forbidden', 'Missing Origin header', [{ path: 'headers.origin', message: 'required' }], {
      code: 'origin_refused',
    });
  if (!allowed.includes(origin)) {
    throw new HttpError(
      403,
      'Forbidden',
      'Origin not allowed',
      [{ path: 'headers.origin', message: 'not an allowed origin' }],
      { code: 'origin_refused' },
    );
  }
}

export function registerOriginCheck(app: FastifyInstance, allowed: readonly string[]): void {
  app.addHook('onRequest', async (request) => {
    const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (SAFE.has(request.method) && !isUpgrade) return;
    checkOrigin(request, allowed);
  });
}
