import { type AccountAction, findUserByEmail, loadConfig, openAndMigrate, runAccountAction } from '@parley/server';
import type { Command } from 'commander';

const ACTIONS: { name: string; kind: AccountAction; description: string; done: string }[] = [
  {
    name: 'reset-second-factors',
    kind: 'reset_second_factors',
    description: 'remove the authenticator app, passkeys and recovery codes of an account (its owner lost them)',
    done: 'second factors removed; the password alone now signs in',
  },
  {
    name: 'reset-password',
    kind: 'reset_password',
    description: 'replace the password of an account with a temporary one, printed once',
    done: 'password replaced',
  },
  { name: 'disable', kind: 'disable', description: 'stop an account from signing in', done: 'disabled' },
  { name: 'enable', kind: 'enable', description: 'let a disabled account sign in again', done: 're-enabled' },
];

/**
 * The administrator's account actions from the command line, for when nobody can sign in to the web page (the
 * operator's own second factor lost, say). Audited like the same actions in the admin page; every one ends the
 * account's sessions.
 */
export function accountActionCommands(user: Command): void {
  for (const a of ACTIONS) {
    user
      .command(a.name)
      .description(a.description)
      .requiredOption('--email <email>', 'the account’s sign-in email address')
      .action(async (opts: { email: string }) => {
        const database = await openAndMigrate(loadConfig());
        try {
          const ctx = { db: database.db, hub: { publish: async () => {} } } as never;
          const target = await findUserByEmail(database.db, opts.email);
          if (!target) {
            console.error(`parley: --email: no account with the address ${opts.email}`);
            process.exitCode = 1;
            return;
          }
          const r = await runAccountAction(ctx, null, target.id, a.kind);
          console.log(`${r.user.email}: ${a.done}; its sessions have ended`);
          if (r.temporaryPassword) {
            console.log(`temporary password: ${r.temporaryPassword}`);
            console.log('Hand it over in person; they should change it on the Security page after signing in.');
          }
        } catch (err) {
          console.error(`parley: ${err instanceof Error ? err.message : String(err)}`);
          process.exitCode = 1;
        } finally {
          await database.close();
        }
      });
  }
}
