import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { onCallEnd } from '../calls/index.js';
import { floorRoutes } from './routes.js';
import { closeFloor } from './service.js';

/** The speakers' list of a meeting's call: its routes, and its closing when the call ends. */
export async function floorModule(app: FastifyInstance, opts: { ctx: AppContext }) {
  onCallEnd(opts.ctx, (ctx, end) => closeFloor(ctx, end));
  await app.register(floorRoutes, opts);
}
