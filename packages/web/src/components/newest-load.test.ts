import { describe, expect, it } from 'vitest';
import { type LoadOutcome, NewestLoad } from './newest-load';

/** A load whose answer comes when the test says so. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('NewestLoad', () => {
  it('applies only the newest answer, whatever order the answers come in', async () => {
    const loads = new NewestLoad();
    const shown: LoadOutcome<string>[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    const a = loads.run(
      () => first.promise,
      (o) => shown.push(o),
    );
    const b = loads.run(
      () => second.promise,
      (o) => shown.push(o),
    );
    second.resolve('new');
    first.resolve('old');
    await Promise.all([a, b]);
    expect(shown).toEqual([{ ok: true, value: 'new' }]);
  });

  it('settles a superseded caller only once the newer load is applied', async () => {
    const loads = new NewestLoad();
    const shown: string[] = [];
    const own = deferred<string>();
    const live = deferred<string>();
    let ownSettled = false;
    const formsReload = loads.run(
      () => own.promise,
      (o) => o.ok && shown.push(o.value),
    );
    void formsReload.then(() => {
      ownSettled = true;
    });
    const liveReload = loads.run(
      () => live.promise,
      (o) => o.ok && shown.push(o.value),
    );
    own.resolve('with the new row');
    await new Promise((r) => setTimeout(r, 0));
    // The form's own answer came back and was dropped: its caller still waits for what the screen will show.
    expect(ownSettled).toBe(false);
    expect(shown).toEqual([]);
    live.resolve('with the new row, from the live update');
    await formsReload;
    expect(shown).toEqual(['with the new row, from the live update']);
    await liveReload;
  });

  it('follows a chain of newer loads started while it waited', async () => {
    const loads = new NewestLoad();
    const shown: number[] = [];
    const [a, b, c] = [deferred<number>(), deferred<number>(), deferred<number>()];
    const show = (o: LoadOutcome<number>) => o.ok && shown.push(o.value);
    let firstSettled = false;
    const first = loads.run(() => a.promise, show);
    void first.then(() => {
      firstSettled = true;
    });
    loads.run(() => b.promise, show);
    a.resolve(0);
    await new Promise((r) => setTimeout(r, 0));
    // A third load starts while the first caller is waiting on the second, and overtakes it too.
    loads.run(() => c.promise, show);
    b.resolve(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(firstSettled).toBe(false);
    c.resolve(2);
    await first;
    expect(shown).toEqual([2]);
  });

  it('hands an error to apply and still settles the caller', async () => {
    const loads = new NewestLoad();
    const shown: LoadOutcome<string>[] = [];
    const failing = deferred<string>();
    const done = loads.run(
      () => failing.promise,
      (o) => shown.push(o),
    );
    failing.reject(Object.assign(new Error('gone'), { status: 404 }));
    await done;
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ ok: false, error: { status: 404 } });
  });
});
