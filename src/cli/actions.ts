// Commands made of actions (`dwell sites add`, `dwell tokens create`): each action is a Command of
// its own; the command's help lists them.

import { usageError } from './cli-error.ts';
import type { Command } from './commands/types.ts';

export function withActions(name: string, summary: string, actions: Record<string, Command>): Command {
  const help = () => {
    const lines = Object.entries(actions).map(
      ([action, command]) => `  ${action.padEnd(8)} ${command.summary}`,
    );
    return `Usage: dwell ${name} <action> [options]\n\n${summary}\n\nActions:\n${lines.join('\n')}\n\nRun dwell ${name} <action> --help for its options.\n`;
  };
  return {
    summary,
    actions,
    async run(args) {
      const [action, ...rest] = args;
      if (action === undefined) {
        process.stderr.write(help());
        return 2;
      }
      if (action === '--help' || action === '-h' || action === 'help') {
        process.stdout.write(help());
        return 0;
      }
      const command = actions[action];
      if (!command) throw usageError(`unknown action "${action}": use ${Object.keys(actions).join(', ')}`);
      return command.run(rest);
    },
  };
}
