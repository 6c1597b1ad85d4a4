import { Command, CommanderError, Option } from 'commander';
import { auditCommands } from './commands/audit.js';
import { backupCommands } from './commands/backup.js';
import { dataCommands } from './commands/data.js';
import { serveCommand } from './commands/serve.js';
import { inviteCommand, userCommands } from './commands/users.js';

export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Parley: end-to-end-encrypted workspace for standing consultative groups')
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment: PORT, HOST, DATA_DIR, DATABASE_URL, PUBLIC_URL, TRUST_PROXY, SECRETS_KEY_FILE, LOG_LEVEL (see README).',
    )
    .showHelpAfterError()
    .exitOverride();
  serveCommand(program);
  dataCommands(program);
  backupCommands(program);
  userCommands(program);
  inviteCommand(program);
  auditCommands(program);
  return program;
}

export { Option };

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    throw err;
  }
}
