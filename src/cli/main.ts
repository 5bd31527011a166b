// The `dwell` command line: `dwell <command> [options]`. Each command lives in commands/ and talks
// to the same store and query code as the HTTP API.

import { exitCodeOf } from './cli-error.ts';
import { commands } from './commands/index.ts';

/** Every command's summary: the one place that loads them all. */
async function usage(): Promise<string> {
  const loaded = await Promise.all(
    Object.entries(commands).map(async ([name, load]) => [name, await load()] as const),
  );
  const lines = loaded.map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return `Usage: dwell <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun dwell <command> --help for its options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await usage());
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`dwell: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const command = await load();
  try {
    return await command.run(args);
  } catch (error) {
    // One line naming the command: a usage error or a refused field says what to fix (exit 2),
    // anything else that it could not be done (exit 1).
    const action = args[0] !== undefined && command.actions?.[args[0]] ? ` ${args[0]}` : '';
    process.stderr.write(
      `dwell ${name}${action}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return exitCodeOf(error);
  }
}

// `dwell sessions | head` closes the pipe before the table ends: the reader has seen enough.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dwell: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
