import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.startedAt})`
      : 'another process (its lock file is unreadable)';
    super(
      `the data folder ${dataDir} is in use by ${who}. Stop that process first; only one process may open the embedded database at a time. If that process is surely gone, delete ${path.join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export const LOCK_FILE = 'parley.lock';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function readHolder(file: string): LockHolder | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

/**
 * PGlite does not lock its folder, and two processes writing it corrupt it. This lock file names the holder; a
 * lock left by a process that is gone (same host, pid no longer running) is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    command: path.basename(process.argv[1] ?? process.argv0),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new DataDirLockedError(dataDir, readHolder(file));
        throw err;
      }
      const holder = readHolder(file);
      const stale = holder !== null && holder.host === me.host && !alive(holder.pid);
      if (!stale) throw new DataDirLockedError(dataDir, holder);
      fs.rmSync(file, { force: true });
    }
  }
  const releaseOnExit = () => release();
  let released = false;
  function release(): void {
    if (released) return;
    released = true;
    process.off('exit', releaseOnExit);
    // Only our own lock: never remove one another process took over.
    if (readHolder(file)?.pid === me.pid && readHolder(file)?.startedAt === me.startedAt)
      fs.rmSync(file, { force: true });
  }
  process.on('exit', releaseOnExit);
  return release;
}
