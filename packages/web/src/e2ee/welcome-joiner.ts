// Where this page joins MLS groups from Welcomes: in its MLS worker when the browser can start one, else on the
// page's own thread (docs/call-keys.md §5.3 item 2, §11). One worker serves every group of the page (the call's, its
// caucus's, the back channel's threads).
import { joinInThisThread, OffThreadJoiner, type WelcomeJoiner } from '@parley/e2ee';

let joiner: WelcomeJoiner | undefined;

/** The page’s joiner; the first call starts the worker and has it join once for nothing, so call it early. */
export function welcomeJoiner(): WelcomeJoiner {
  joiner ??= start();
  return joiner;
}

function start(): WelcomeJoiner {
  if (typeof Worker === 'undefined') return joinInThisThread;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./mls-worker.ts', import.meta.url), { type: 'module', name: 'parley-mls' });
  } catch (error) {
    console.warn('MLS worker unavailable; joining on the page’s thread', error);
    return joinInThisThread;
  }
  const offThread = new OffThreadJoiner(worker);
  // A worker that cannot load (or dies) leaves its joins to the page, which still joins, only on its own thread.
  worker.onerror = (event) => {
    console.warn('MLS worker failed; joining on the page’s thread', event.message);
    offThread.lost();
  };
  offThread.warm();
  return offThread.join;
}
