import { configProblems, loadConfig, startServer } from '@parley/server';
import type { Command } from 'commander';
import { formatSeconds, printedSteps } from '../start-steps.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run migrations and serve Parley (and, with --demo, load the demo group into an empty database)')
    .option('--demo', 'load the demo group when the database is empty')
    .option('--no-janus', 'do not start the supervised Janus media server (or set JANUS=0)')
    .action(async (opts: { demo?: boolean; janus: boolean }) => {
      const config = loadConfig();
      // Calls need Janus: `serve` supervises its own unless told not to (or pointed at JANUS_URL).
      const janus = opts.janus && process.env.JANUS !== '0';
      const started = performance.now();
      const server = await startServer(config, { demo: !!opts.demo, janus, step: printedSteps(config) });
      const took = formatSeconds((performance.now() - started) / 1000);
      const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
      const media = server.ctx.janus
        ? config.janus.url
          ? `Janus at ${config.janus.url}`
          : 'supervised Janus'
        : 'no Janus (calls off)';
      console.log(
        `\nParley is running at ${server.url}  (ready in ${took}; Node ${process.version}; database: ${where}; media: ${media})`,
      );
      const problems = configProblems(config);
      if (problems.length > 0) {
        console.log('\nSign-in will not work as configured:');
        for (const p of problems) console.log(`  - ${p}`);
      }
      if (server.demoLogins) {
        console.log('\nDemo logins (Strategic Consultative Group; fictional people):');
        for (const l of server.demoLogins) console.log(`  ${l.email.padEnd(34)} ${l.password}   ${l.who}`);
      } else if (opts.demo) {
        console.log(
          '\nThe database already holds data; the demo was not reloaded. Demo password: parley-demo-password',
        );
      }
      console.log('\nPress Ctrl-C to stop.');
      await new Promise<void>((resolve) => {
        let stopping = false;
        // A terminal's Ctrl-C reaches us twice (from the tty and from the npm start wrapper): act once.
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          console.log(`\n${signal}: stopping Parley...`);
          server.stop().then(resolve, (err) => {
            console.error(err);
            resolve();
          });
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
