// Runs a call's remaining MLS members in worker threads (bench/support/mls-members-worker.ts), one thread per core,
// so a leave is measured the way it happens in a call: every member processes the Remove on its own device at the
// same time, rather than one after another in one thread. A machine with fewer cores than members still serialises
// members that share a thread, so the figure is an upper bound of what each device sees.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromMembers, ToMembers } from './mls-members-worker.js';

const WORKER = new URL('./mls-members-worker.ts', import.meta.url).href;

export class MemberThreads {
  readonly #workers: Worker[];

  constructor(readonly count = Math.max(1, os.availableParallelism())) {
    // The bench runs TypeScript sources through tsx; a worker registers the same loader before loading its module.
    const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER)}); })`;
    this.#workers = Array.from(
      { length: count },
      () => new Worker(bootstrap, { eval: true, execArgv: ['--conditions=source'] }),
    );
  }

  #ask(worker: Worker, message: ToMembers): Promise<FromMembers> {
    return new Promise((resolve, reject) => {
      const done = (reply: FromMembers) => {
        worker.off('error', reject);
        resolve(reply);
      };
      worker.once('message', done);
      worker.once('error', reject);
      worker.postMessage(message);
    });
  }

  /** Spreads the members' serialized states over the threads (round robin) and waits until all are restored. */
  async restore(states: Uint8Array[]): Promise<void> {
    await Promise.all(
      this.#workers.map((w, i) =>
        this.#ask(w, { type: 'restore', states: states.filter((_, j) => j % this.count === i) }),
      ),
    );
  }

  /** Every member processes `commit` and derives the new epoch's SFrame keys; resolves with all their base keys. */
  async process(commit: Uint8Array): Promise<string[]> {
    const replies = await Promise.all(this.#workers.map((w) => this.#ask(w, { type: 'commit', commit })));
    return replies.flatMap((r) => (r.type === 'keys' ? r.baseKeys : []));
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
