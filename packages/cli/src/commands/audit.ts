import { loadConfig, openAndMigrate, verifyAuditChain } from '@parley/server';
import type { Command } from 'commander';

export function auditCommands(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the audit hash chain; exit 0 when intact, 2 naming the first bad row otherwise')
    .action(async () => {
      const database = await openAndMigrate(loadConfig());
      try {
        const report = await verifyAuditChain(database.db);
        if (report.ok) {
          console.log(`audit chain intact: ${report.checked} entries verified`);
        } else {
          console.error(
            `audit chain BROKEN at row seq=${report.firstBadSeq}: ${report.reason} (${report.checked} entries verified before it)`,
          );
          process.exitCode = 2;
        }
      } finally {
        await database.close();
      }
    });
}
