import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { UserError } from './log.mjs';
import { repoRoot } from './repo.mjs';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM'];
const ORPHAN_POLL_MS = 1000;

/**
 * Runs a command with inherited stdio and resolves with `{ code, signal }` once it exits.
 * With `forwardSignals`, SIGINT/SIGTERM sent to this script are passed on to the child (as npm itself does)
 * instead of killing this script first and orphaning the child. It also stops the child when this script is
 * orphaned: `kill <npm pid>` makes npm kill only its `sh -c` wrapper, which leaves us running under init.
 */
export function run(command, args, { cwd = repoRoot, env = process.env, stdin = 'inherit', forwardSignals } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: [stdin, 'inherit', 'inherit'] });
    const forward = (signal) => child.kill(signal);
    const parent = process.ppid;
    let orphanWatch;
    if (forwardSignals) {
      for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
      orphanWatch = setInterval(() => {
        if (process.ppid === parent) return;
        clearInterval(orphanWatch);
        forward('SIGTERM');
      }, ORPHAN_POLL_MS);
    }
    const stopForwarding = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      clearInterval(orphanWatch);
    };
    child.on('error', (error) => {
      stopForwarding();
      reject(new UserError(`could not run ${command}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      stopForwarding();
      resolve({ code, signal });
    });
  });
}

/** Shell-style exit status: the exit code, or 128 + signal number when the child was killed. */
export function exitStatus({ code, signal }) {
  return signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
}

/** Like run(), but a non-zero exit becomes a UserError naming the command. */
export async function runOrThrow(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.code}`;
    throw new UserError(`\`${[basename(command), ...args].join(' ')}\` ${how}`);
  }
}
