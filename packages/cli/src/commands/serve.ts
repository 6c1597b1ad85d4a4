import { loadConfig, startServer } from '@parley/server';
import type { Command } from 'commander';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description('run migrations and serve Parley (and, with --demo, load the demo group into an empty database)')
    .option('--demo', 'load the demo group when the database is empty')
    .action(async (opts: { demo?: boolean }) => {
      const config = loadConfig();
      const server = await startServer(config, { demo: !!opts.demo });
      const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
      console.log(`\nParley is running at ${server.url}  (database: ${where})`);
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
