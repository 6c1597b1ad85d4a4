// MLS benchmarks: what a Remove costs on the tree Parley keeps (joiners commit a full-path update at once) versus
// raw ts-mls on a blank tree (one add-all commit, nobody updates), both measured in this run; and how long it
// takes until a leave has new SFrame keys in force at every remaining member of a 50-member call.
//
// Run with `npm run bench -- mls`. Timings are medians of a few repetitions on whatever machine runs this; the
// populated side also uses Parley's crypto provider (@noble hash/KDF and, for the default suite, HPKE: packages/e2ee/src/mls/suites.ts),
// the baseline is ts-mls exactly as shipped, and extra "info" rows isolate the provider's share.
// The group builders live in packages/e2ee/src/mls/test-support because ts-mls only resolves from that package.
import {
  deriveEpochSenderKeys,
  MLS_SFRAME_DEFAULT_EPOCH_BITS,
  MlsSession,
  type PendingCommit,
  treeShape,
} from '@parley/e2ee';
import {
  buildRawBlankGroup,
  buildSyncedPopulatedGroup,
  buildTrackedPopulatedGroup,
  type RawBlankGroup,
  type RawCommit,
  rawProcess,
  rawRemoveCommit,
  rawSframeBaseKey,
} from '../packages/e2ee/src/mls/test-support/bench-groups.js';
import { MemberThreads } from './support/mls-members.js';
import type { BenchResult } from './types.js';

const LEAVE_TARGET_MS = 500;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

function describeTree(session: MlsSession): string {
  const shape = treeShape(session.rawState.ratchetTree);
  return `${shape.members} members, ${shape.parents - shape.blankParents}/${shape.parents} parent nodes set, ${shape.unmergedEntries} unmerged entries`;
}

function row(name: string, value: number, baseline: number, unit: string, target: string): BenchResult {
  const rounded = (x: number) => Math.round(x * 100) / 100;
  return { name, value: rounded(value), baseline: rounded(baseline), ratio: rounded(value / baseline), unit, target };
}

interface RemoveTimes {
  create: number[];
  process: number[];
  size: number;
}

/** One Remove commit by Parley sessions: create (then discard, untimed) and process at a restored receiver. */
async function sessionRemove(creator: MlsSession, snapshot: Uint8Array, victim: number, into: RemoveTimes) {
  let pending: PendingCommit | undefined;
  into.create.push(await time(async () => (pending = await creator.prepareRemove([victim]))));
  const commit = pending!.commit;
  into.size = commit.length;
  await pending!.discard(); // as if the server had refused it
  const fresh = await MlsSession.restore(snapshot);
  into.process.push(await time(() => fresh.processMessage(commit)));
}

/** The same with raw ts-mls (immutable states, so it repeats on the same group). */
async function rawRemove(raw: RawBlankGroup, victim: number, into: RemoveTimes) {
  let commit: RawCommit | undefined;
  into.create.push(await time(async () => (commit = await rawRemoveCommit(raw, victim))));
  into.size = commit!.bytes.length;
  into.process.push(await time(() => rawProcess(raw, raw.joined[1]!, commit!.commit)));
}

/**
 * Remove commit create + process: populated tree (Parley sessions) vs blank tree (raw ts-mls as shipped), plus
 * the blank tree on Parley's crypto provider to show how much of the gain is the provider rather than the tree.
 * Repetitions interleave the three so that load from other processes hits all of them alike.
 */
async function removeFigures(
  n: number,
  creator: MlsSession,
  receiver: MlsSession,
  stock: RawBlankGroup,
  parleyBlank: RawBlankGroup,
  reps: number,
): Promise<BenchResult[]> {
  const victim = Math.floor(n / 2);
  const snapshot = receiver.serialize();
  const populated: RemoveTimes = { create: [], process: [], size: 0 };
  const blank: RemoveTimes = { create: [], process: [], size: 0 };
  const blankParley: RemoveTimes = { create: [], process: [], size: 0 };
  for (let i = 0; i < reps; i++) {
    await sessionRemove(creator, snapshot, victim, populated);
    await rawRemove(stock, victim, blank);
    await rawRemove(parleyBlank, victim, blankParley);
  }
  const label = `${n} members (populated tree vs blank)`;
  const target = '< 1x blank-tree baseline';
  const figures = [
    row(`MLS Remove commit create, ${label}`, median(populated.create), median(blank.create), 'ms', target),
    row(
      `MLS Remove commit process per member, ${label}`,
      median(populated.process),
      median(blank.process),
      'ms',
      target,
    ),
    row(`MLS Remove commit size, ${label}`, populated.size, blank.size, 'bytes', target),
    row(
      `MLS Remove commit create, ${n} members, blank tree: Parley crypto provider vs stock`,
      median(blankParley.create),
      median(blank.create),
      'ms',
      'info: provider share of the gain',
    ),
    row(
      `MLS Remove commit process per member, ${n} members, blank tree: Parley provider vs stock`,
      median(blankParley.process),
      median(blank.process),
      'ms',
      'info: provider share of the gain',
    ),
  ];
  for (const figure of figures)
    console.log(`  ${figure.name}: ${figure.value} ${figure.unit} (baseline ${figure.baseline})`);
  return figures;
}

/** Leave in a 50-member call: commit, then every remaining member processes it and derives its SFrame keys. */
async function leaveFigure(sessions: MlsSession[], raw: RawBlankGroup, reps: number): Promise<BenchResult> {
  const leaver = 25;
  const snapshots = sessions.map((session) => session.serialize());
  const times: number[] = [];
  const rawTimes: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const [committer, ...others] = await Promise.all(
      snapshots.filter((_, i) => i !== leaver).map((bytes) => MlsSession.restore(bytes)),
    );
    const baseKeys: Uint8Array[] = [];
    times.push(
      await time(async () => {
        const pending = await committer!.prepareRemove([leaver]);
        await pending.apply();
        baseKeys.push(
          (await deriveEpochSenderKeys(committer!, committer!.epoch, MLS_SFRAME_DEFAULT_EPOCH_BITS)).baseKey,
        );
        for (const member of others) {
          await member.processMessage(pending.commit);
          baseKeys.push((await deriveEpochSenderKeys(member, member.epoch, MLS_SFRAME_DEFAULT_EPOCH_BITS)).baseKey);
        }
      }),
    );
    // The figure only counts if the keys really agree.
    const first = baseKeys[0]!.join(',');
    if (baseKeys.length !== sessions.length - 1 || baseKeys.some((key) => key.join(',') !== first)) {
      throw new Error('remaining members derived different SFrame keys');
    }

    rawTimes.push(
      await time(async () => {
        const commit = await rawRemoveCommit(raw, leaver);
        await rawSframeBaseKey(raw, commit.newState);
        for (let leaf = 1; leaf < raw.joined.length; leaf++) {
          if (leaf !== leaver) await rawSframeBaseKey(raw, await rawProcess(raw, raw.joined[leaf]!, commit.commit));
        }
      }),
    );
  }
  const figure = row(
    `MLS leave -> new SFrame keys at all ${sessions.length - 1} remaining members, one process`,
    median(times),
    median(rawTimes),
    'ms',
    'info: the same work one member after another',
  );
  console.log(`  ${figure.name}: ${figure.value} ms (raw ts-mls, blank tree: ${figure.baseline} ms)`);
  return figure;
}

/**
 * Leave in a 50-member call with every remaining member on its own thread (up to one per core): from the committer
 * preparing the Remove to the last member holding the new epoch's SFrame keys. The same-run baseline is the same
 * work done one member after another in one thread.
 */
async function leaveInParallelFigure(sessions: MlsSession[], sequentialMs: number, reps: number): Promise<BenchResult> {
  const leaver = 25;
  const states = sessions.map((session) => session.serialize());
  const threads = new MemberThreads();
  const times: number[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      await threads.restore(states.filter((_, i) => i !== 0 && i !== leaver));
      const committer = await MlsSession.restore(states[0]!);
      let keys: string[] = [];
      let own = '';
      times.push(
        await time(async () => {
          const pending = await committer.prepareRemove([leaver]);
          await pending.apply();
          const processing = threads.process(pending.commit);
          own = Buffer.from(
            (await deriveEpochSenderKeys(committer, committer.epoch, MLS_SFRAME_DEFAULT_EPOCH_BITS)).baseKey,
          ).toString('hex');
          keys = await processing;
        }),
      );
      if (keys.length !== sessions.length - 2 || keys.some((key) => key !== own))
        throw new Error('remaining members derived different SFrame keys');
    }
  } finally {
    await threads.close();
  }
  const figure = row(
    `MLS leave -> new SFrame keys at all ${sessions.length - 1} remaining members, members in parallel (${threads.count} threads)`,
    median(times),
    sequentialMs,
    'ms',
    `<= ${LEAVE_TARGET_MS} ms`,
  );
  console.log(`  ${figure.name}: ${figure.value} ms (one after another in one thread: ${figure.baseline} ms)`);
  return figure;
}

/** Wall and CPU time of a setup step (CPU includes WebCrypto's thread pool), to tell slowness from contention. */
async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(cpu);
  const seconds = (x: number) => (x / 1000).toFixed(1);
  console.log(
    `  ${label}: ${seconds(performance.now() - wall)} s wall, ${seconds((used.user + used.system) / 1000)} s CPU`,
  );
  return result;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const synced = await timed('build 50 members, populated, all in sync (add-all, then even leaves update)', () =>
    buildSyncedPopulatedGroup(50),
  );
  console.log(`    ${describeTree(synced.sessions[0]!)}`);
  const raw50 = await timed('build 50 members, blank tree, raw ts-mls (49 joiners)', () => buildRawBlankGroup(50, 49));
  const parley50 = await timed('build 50 members, blank tree, ts-mls + Parley provider', () =>
    buildRawBlankGroup(50, 1, 'parley'),
  );
  results.push(...(await removeFigures(50, synced.sessions[0]!, synced.sessions[1]!, raw50, parley50, 7)));
  const sequential = await leaveFigure(synced.sessions, raw50, 3);
  results.push(sequential, await leaveInParallelFigure(synced.sessions, sequential.value, 3));

  const tracked = await timed('build 200 members, populated (each joiner adds + updates; 2 members kept)', () =>
    buildTrackedPopulatedGroup(200),
  );
  console.log(`    ${describeTree(tracked.creator)}`);
  const raw200 = await timed('build 200 members, blank tree, raw ts-mls (1 joiner)', () => buildRawBlankGroup(200, 1));
  const parley200 = await timed('build 200 members, blank tree, ts-mls + Parley provider', () =>
    buildRawBlankGroup(200, 1, 'parley'),
  );
  results.push(...(await removeFigures(200, tracked.creator, tracked.receiver, raw200, parley200, 5)));
  return results;
}
