import type { AppContext } from '../../context.js';
import type { CallManager } from './manager.js';

const managers = new WeakMap<AppContext, CallManager>();

export function setCallManager(ctx: AppContext, mgr: CallManager): void {
  managers.set(ctx, mgr);
}

/** The calls of this app (undefined when the calls module is not registered). */
export function callManagerOf(ctx: AppContext): CallManager | undefined {
  return managers.get(ctx);
}
