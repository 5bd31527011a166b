// The command table of `dwell`. Add a command by adding its module here.

import { breakdown } from './breakdown.ts';
import { demo } from './demo.ts';
import { exportCommand } from './export.ts';
import { gate } from './gate.ts';
import { links } from './links.ts';
import { migrate } from './migrate.ts';
import { purge } from './purge.ts';
import { sections } from './sections.ts';
import { serve } from './serve.ts';
import { sessions } from './sessions.ts';
import { sites } from './sites/index.ts';
import { stats } from './stats.ts';
import { tokens } from './tokens.ts';
import type { Command } from './types.ts';

export const commands: Record<string, Command> = {
  serve,
  migrate,
  sites,
  tokens,
  links,
  gate,
  sessions,
  stats,
  sections,
  breakdown,
  export: exportCommand,
  purge,
  demo,
};
