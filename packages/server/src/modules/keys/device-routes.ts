import {
  Device,
  DeviceList,
  DeviceLog,
  DeviceLogQuery,
  DeviceParams,
  KeyPackageStock,
  RegisterDeviceBody,
  UploadKeyPackagesBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf, requireUser } from '../auth/plugin.js';
import { deviceChains } from './device-log.js';
import { deviceDtos, devicesOfUser, registerDevice, revokeDevice, uploadKeyPackages, visibleUsers } from './devices.js';
import { evictDevice } from './mls-membership.js';
import type { MlsRuntime } from './runtime.js';

const tags = ['keys'];

/** Device identities, the device-key log and key-package upload. Only public keys ever arrive here. */
export async function deviceRoutes(app: FastifyInstance, opts: { ctx: AppContext; runtime: MlsRuntime }) {
  const { ctx, runtime } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/devices',
    { schema: { tags, body: RegisterDeviceBody, response: { 200: Device, 201: Device } } },
    async (request, reply) => {
      const user = requireUser(request);
      const { device, created } = await registerDevice(ctx, user.id, request.body);
      reply.status(created ? 201 : 200);
      return (await deviceDtos(ctx.db, [device]))[0]!;
    },
  );

  r.get('/api/devices', { schema: { tags, response: { 200: DeviceList } } }, async (request) => {
    const user = requireUser(request);
    return { devices: await deviceDtos(ctx.db, await devicesOfUser(ctx.db, user.id)) };
  });

  r.post(
    '/api/devices/:deviceId/revoke',
    { schema: { tags, params: DeviceParams, response: { 200: Device } } },
    async (request) => {
      const user = requireUser(request);
      const device = await revokeDevice(ctx, user.id, request.params.deviceId);
      for (const n of await evictDevice(ctx, await actorOf(ctx, request), device.deviceId))
        runtime.nominator.schedule(n);
      return (await deviceDtos(ctx.db, [device]))[0]!;
    },
  );

  r.post(
    '/api/devices/:deviceId/key-packages',
    { schema: { tags, params: DeviceParams, body: UploadKeyPackagesBody, response: { 201: KeyPackageStock } } },
    async (request, reply) => {
      const user = requireUser(request);
      const stock = await uploadKeyPackages(ctx, user.id, request.params.deviceId, request.body);
      reply.status(201);
      return stock;
    },
  );

  r.get(
    '/api/devices/log',
    { schema: { tags, querystring: DeviceLogQuery, response: { 200: DeviceLog } } },
    async (request) => {
      requireUser(request);
      // Users the caller may not know of are left out silently, exactly like users without devices.
      const visible = await visibleUsers(ctx.db, await actorOf(ctx, request), request.query.userIds);
      const chains = await deviceChains(ctx.db, visible);
      return { chains: visible.map((userId) => ({ userId, entries: chains.get(userId) ?? [] })) };
    },
  );
}
