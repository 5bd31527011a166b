// The command table of `dwell`. Add a command by adding its module here.

import { migrate } from './migrate.ts';
import { serve } from './serve.ts';
import type { Command } from './types.ts';

export const commands: Record<string, Command> = {
  serve,
  migrate,
};
