/** Tiny logging helpers so every script's output reads the same way in CI logs. */

/** An expected failure whose message says everything; printed without a stack trace. */
export class UserError extends Error {}

export function section(title) {
  console.log(`\n=== ${title} ===`);
}

export function info(message) {
  console.log(`[parley] ${message}`);
}

export function warn(message) {
  console.warn(`[parley] WARNING: ${message}`);
}

export function describeError(error) {
  return error instanceof UserError ? error.message : (error?.stack ?? String(error));
}

/** A failed step of a longer run: names the step, how long it ran, and what to do about it. */
export class StepError extends UserError {
  constructor(title, seconds, cause, hint) {
    super(
      `step "${title}" failed after ${formatSeconds(seconds)}: ${describeError(cause)}` +
        (hint ? `\n[parley] What to do: ${hint}` : ''),
    );
  }
}

export function formatSeconds(seconds) {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

const runStarted = performance.now();

/** Seconds since this script started. */
export function elapsedSinceStart() {
  return (performance.now() - runStarted) / 1000;
}

/**
 * Runs one long step under a section header and reports how long it took (and the time since the start);
 * a failure becomes a StepError naming the step and, with `hint`, what to do.
 */
export async function step(title, fn, { hint } = {}) {
  section(title);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let result;
  try {
    result = await fn();
  } catch (error) {
    throw new StepError(title, seconds(), error, hint);
  }
  info(`${title}: done in ${formatSeconds(seconds())} (${formatSeconds(elapsedSinceStart())} since the start)`);
  return result;
}

/** Runs a script's main function, turning a thrown error into a clear message and exit code 1. */
export function runMain(main) {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error) => {
      console.error(`[parley] ERROR: ${describeError(error)}`);
      process.exitCode = 1;
    },
  );
}
