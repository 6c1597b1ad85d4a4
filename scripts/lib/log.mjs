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
