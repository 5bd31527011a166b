// The command table of `dwell`. Add a command by adding its module here. Each is imported when it
// runs, so `dwell sessions` does not load the server, the mailer or PostgreSQL's driver first (the
// build splits the bundle by these imports: a command started in about a third of the time).

import type { Command } from './types.ts';

export const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.ts')).serve,
  migrate: async () => (await import('./migrate.ts')).migrate,
  sites: async () => (await import('./sites/index.ts')).sites,
  tokens: async () => (await import('./tokens.ts')).tokens,
  links: async () => (await import('./links.ts')).links,
  gate: async () => (await import('./gate.ts')).gate,
  sessions: async () => (await import('./sessions.ts')).sessions,
  stats: async () => (await import('./stats.ts')).stats,
  sections: async () => (await import('./sections.ts')).sections,
  breakdown: async () => (await import('./breakdown.ts')).breakdown,
  export: async () => (await import('./export.ts')).exportCommand,
  purge: async () => (await import('./purge.ts')).purge,
  demo: async () => (await import('./demo.ts')).demo,
};
