import type { AppContext } from '../../context.js';
import { Nominator } from './nomination.js';

const DEFAULT_NOMINATION_TIMEOUT_MS = 5_000;

/** Per-app state of the Delivery Service (nomination timers), reachable from the app context. */
export interface MlsRuntime {
  nominator: Nominator;
}

const runtimes = new WeakMap<AppContext, MlsRuntime>();

export function createMlsRuntime(ctx: AppContext): MlsRuntime {
  const raw = Number(process.env.MLS_NOMINATION_TIMEOUT_MS);
  const timeoutMs = Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_NOMINATION_TIMEOUT_MS;
  const runtime = { nominator: new Nominator(ctx, timeoutMs) };
  runtimes.set(ctx, runtime);
  return runtime;
}

/** Tests shorten `nominator.timeoutMs` through this. */
export function mlsRuntimeOf(ctx: AppContext): MlsRuntime {
  const r = runtimes.get(ctx);
  if (!r) throw new Error('keys module not registered');
  return r;
}
