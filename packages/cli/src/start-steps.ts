import type { Config, StartPhase, StartStep } from '@parley/server';

interface PhaseText {
  title: string;
  /** What the person starting Parley can do when this phase fails. */
  hint: string;
}

/** What each start-up phase of `parley serve` is called, and what to do when it fails, for this configuration. */
export function phaseTexts(config: Config): Record<StartPhase, PhaseText> {
  const database = config.databaseUrl
    ? {
        title: 'database: connect to PostgreSQL (DATABASE_URL) and apply migrations',
        hint: 'check DATABASE_URL: the server must be reachable, PostgreSQL 15 or newer, and the user allowed to create tables',
      }
    : {
        title: `database: open PGlite in ${config.dataDir} and apply migrations`,
        hint: `check that ${config.dataDir} is writable and no other Parley process uses it (or set DATA_DIR to another folder)`,
      };
  const janus = config.janus.url
    ? {
        title: `media server: connect to Janus at ${config.janus.url}`,
        hint: 'check that JANUS_URL answers and JANUS_ADMIN_KEY matches its VideoRoom admin_key, or start without calls: JANUS=0',
      }
    : {
        title: 'media server: start the supervised Janus',
        hint: 'install the Debian package janus (`npm start` does it when run as root), or start without calls: JANUS=0 npm start',
      };
  return {
    database,
    janus,
    demo: {
      title: 'demo group: load it into the empty database',
      hint: 'the database now holds part of the demo: stop, move DATA_DIR away (or drop the PostgreSQL database) and start again',
    },
    listen: {
      title: `listen on ${config.host}:${config.port}`,
      hint: `another program may be using port ${config.port}: stop it, or choose another port, e.g. PORT=${config.port + 1} npm start`,
    },
  };
}

export function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * A StartStep that prints each phase as it begins and ends, with its elapsed time; a failure is rethrown as an
 * error that names the phase, its time and what to do.
 */
export function printedSteps(config: Config, print: (line: string) => void = console.log): StartStep {
  const texts = phaseTexts(config);
  return async (phase, run) => {
    const { title, hint } = texts[phase];
    print(`[parley] ${title} ...`);
    const started = performance.now();
    const seconds = () => formatSeconds((performance.now() - started) / 1000);
    try {
      const result = await run();
      print(`[parley] ${title}: done in ${seconds()}`);
      return result;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`start-up step "${title}" failed after ${seconds()}: ${reason}\nWhat to do: ${hint}`, {
        cause: err,
      });
    }
  };
}
