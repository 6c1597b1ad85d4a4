import fs from 'node:fs';
import {
  type Backup,
  backupInstance,
  loadConfig,
  openAndMigrate,
  RestoreRefused,
  restoreInstance,
  rotateSecretsKey,
  verifyAuditChain,
} from '@parley/server';
import type { Command } from 'commander';

export function backupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'write one consistent snapshot of every table to FILE (with the embedded database, stop the server first)',
    )
    .requiredOption('-o, --out <file>', 'the backup file to write (0600; it holds ciphertext and password hashes)')
    .action(async (opts: { out: string }) => {
      const database = await openAndMigrate(loadConfig());
      try {
        const backup = await backupInstance(database.db);
        fs.writeFileSync(opts.out, JSON.stringify(backup), { mode: 0o600 });
        const rows = Object.values(backup.tables).reduce((n, t) => n + t.length, 0);
        console.log(`backup written to ${opts.out}: ${Object.keys(backup.tables).length} tables, ${rows} rows`);
      } finally {
        await database.close();
      }
    });

  program
    .command('restore')
    .description('load a backup into a new, empty instance (refuses one that holds data)')
    .argument('<file>', 'a file written by `parley backup`')
    .action(async (file: string) => {
      let backup: Backup;
      try {
        backup = JSON.parse(fs.readFileSync(file, 'utf8')) as Backup;
      } catch (err) {
        console.error(`parley: cannot read the backup ${file}: ${(err as Error).message}`);
        process.exitCode = 1;
        return;
      }
      const database = await openAndMigrate(loadConfig());
      try {
        const report = await restoreInstance(database.db, backup);
        const chain = await verifyAuditChain(database.db);
        console.log(`restored ${report.rows} rows in ${report.tables} tables from ${file}`);
        console.log(
          chain.ok ? `audit chain intact: ${chain.checked} entries verified` : `audit chain BROKEN: ${chain.reason}`,
        );
        if (!chain.ok) process.exitCode = 2;
      } catch (err) {
        if (!(err instanceof RestoreRefused)) throw err;
        console.error(`parley: ${err.message}`);
        process.exitCode = 1;
      } finally {
        await database.close();
      }
    });

  const secrets = program.command('secrets').description('the key that seals second-factor secrets at rest');
  secrets
    .command('rotate')
    .description('generate a new secrets key and re-seal every secret with it (stop the server first)')
    .option('--new-key-file <file>', 'where to write the new key (required when the key comes from SECRETS_KEY)')
    .action(async (opts: { newKeyFile?: string }) => {
      const config = loadConfig();
      const database = await openAndMigrate(config);
      try {
        const r = await rotateSecretsKey(config, database.db, {
          ...(opts.newKeyFile ? { newKeyFile: opts.newKeyFile } : {}),
          warn: (m) => console.error(`parley: ${m}`),
        });
        console.log(`re-sealed ${r.resealed} secrets with the new key in ${r.keyFile}`);
        if (r.previousKeyFile) console.log(`the previous key was moved to ${r.previousKeyFile}`);
        else console.log('point SECRETS_KEY_FILE at the new key before starting the server');
      } finally {
        await database.close();
      }
    });
}
