import fs from 'node:fs';
import { buildApp, exportInstance, isEmpty, loadConfig, openAndMigrate } from '@parley/server';
import type { Command } from 'commander';

export function dataCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations (PGlite in DATA_DIR, or PostgreSQL at DATABASE_URL)')
    .action(async () => {
      const database = await openAndMigrate(loadConfig());
      await database.close();
      console.log('migrations applied');
    });

  const demo = program.command('demo').description('demo data');
  demo
    .command('load')
    .description('load the demo group into an empty database through the API')
    .action(async () => {
      const config = loadConfig();
      const database = await openAndMigrate(config);
      try {
        if (!(await isEmpty(database))) {
          console.error('parley: the database is not empty; the demo loads only into an empty database');
          process.exitCode = 1;
          return;
        }
        const { app, ctx } = await buildApp({ config, database, logger: false });
        await app.ready();
        const logins = await (await import('@parley/server')).loadDemo(app, ctx);
        await app.close();
        console.log('demo loaded; logins:');
        for (const l of logins) console.log(`  ${l.email.padEnd(34)} ${l.password}   ${l.who}`);
      } finally {
        await database.close();
      }
    });

  program
    .command('export')
    .description('write a JSON export of everything this instance holds (ciphertext stays ciphertext)')
    .option('-o, --out <file>', 'write to this file instead of standard output')
    .action(async (opts: { out?: string }) => {
      const database = await openAndMigrate(loadConfig());
      try {
        const json = JSON.stringify(await exportInstance(database.db), null, 2);
        if (opts.out) {
          fs.writeFileSync(opts.out, json, { mode: 0o600 });
          console.error(`export written to ${opts.out}`);
        } else {
          process.stdout.write(`${json}\n`);
        }
      } finally {
        await database.close();
      }
    });
}
