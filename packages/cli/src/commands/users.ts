import { randomBytes } from 'node:crypto';
import { CreateUserBody, Role } from '@parley/protocol';
import { createUser, inviteFromCli, loadConfig, openAndMigrate } from '@parley/server';
import type { Command } from 'commander';
import { accountActionCommands } from './account-actions.js';

export function userCommands(program: Command): void {
  const user = program.command('user').description('accounts');
  accountActionCommands(user);
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

export function inviteCommand(program: Command): void {
  program
    .command('invite')
    .description('create a single-use invitation link that seats a new person in a group, side, agency and role')
    .requiredOption('--group <id|name>', 'the group')
    .requiredOption('--side <code|id>', "the side's short code, e.g. ALD")
    .requiredOption('--role <role>', `one of: ${Role.options.join(', ')}`)
    .option('--agency <name|id>', 'the agency on that side')
    .option('--title <title>', 'the title shown on the roster')
    .option('--email <email>', 'only this address may accept')
    .option('--hours <n>', 'hours until the link expires', '72')
    .option('--as <email>', 'who the audit log records as inviting (default: the first administrator)')
    .action(
      async (opts: {
        group: string;
        side: string;
        role: string;
        agency?: string;
        title?: string;
        email?: string;
        hours: string;
        as?: string;
      }) => {
        const role = Role.safeParse(opts.role);
        const hours = Number(opts.hours);
        if (!role.success) return fail(`--role: must be one of ${Role.options.join(', ')}`);
        if (!Number.isInteger(hours) || hours < 1 || hours > 720) return fail('--hours: a whole number from 1 to 720');
        const config = loadConfig();
        const database = await openAndMigrate(config);
        try {
          const ctx = { db: database.db, hub: { publish: async () => {} }, config } as never;
          const r = await inviteFromCli(ctx, {
            group: opts.group,
            side: opts.side,
            role: role.data,
            hours,
            ...(opts.agency ? { agency: opts.agency } : {}),
            ...(opts.title ? { title: opts.title } : {}),
            ...(opts.email ? { email: opts.email } : {}),
            ...(opts.as ? { asEmail: opts.as } : {}),
          });
          console.log(
            `invitation to ${r.group}, ${r.side} (${role.data}); valid until ${r.expiresAt.toISOString()}; usable once:`,
          );
          console.log(r.url);
        } catch (err) {
          fail(err instanceof Error ? err.message : String(err));
        } finally {
          await database.close();
        }
      },
    );
}

function fail(message: string): void {
  console.error(`parley: ${message}`);
  process.exitCode = 1;
}
