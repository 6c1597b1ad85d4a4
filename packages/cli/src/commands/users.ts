import { randomBytes } from 'node:crypto';
import { CreateUserBody } from '@parley/protocol';
import { createUser, loadConfig, openAndMigrate } from '@parley/server';
import type { Command } from 'commander';

export function userCommands(program: Command): void {
  const user = program.command('user').description('accounts');
  user
    .command('add')
    .description('create an account (prints a generated password unless --password is given)')
    .requiredOption('--email <email>', 'sign-in email address')
    .requiredOption('--name <name>', 'display name')
    .option('--password <password>', 'initial password (at least 12 characters)')
    .option('--admin', 'make the account an instance administrator')
    .action(async (opts: { email: string; name: string; password?: string; admin?: boolean }) => {
      const password = opts.password ?? randomBytes(12).toString('base64url');
      const parsed = CreateUserBody.safeParse({
        email: opts.email,
        displayName: opts.name,
        password,
        isAdmin: !!opts.admin,
      });
      if (!parsed.success) {
        for (const i of parsed.error.issues) console.error(`parley: --${i.path.join('.')}: ${i.message}`);
        process.exitCode = 1;
        return;
      }
      const database = await openAndMigrate(loadConfig());
      try {
        const ctx = { db: database.db, hub: { publish: async () => {} } } as never;
        const u = await createUser(ctx, null, parsed.data);
        console.log(`created ${u.email}${u.isAdmin ? ' (administrator)' : ''}`);
        if (!opts.password) console.log(`initial password: ${password}`);
      } catch (err) {
        console.error(`parley: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      } finally {
        await database.close();
      }
    });
}
