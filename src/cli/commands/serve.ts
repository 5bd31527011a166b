// `dwell serve`: runs the server (the same entry as `npm start`, configured by the environment).

import type { Command } from './types.ts';

export const serve: Command = {
  summary: 'run the server (configured by environment variables, see docs/configuration.md)',
  async run(args) {
    if (args.includes('--help')) {
      process.stdout.write(
        'Usage: dwell serve\n\nStarts the server; PORT, HOST, DATABASE_URL and the rest come from the environment.\n',
      );
      return 0;
    }
    await import('../../server/main.ts');
    // main.ts keeps the process alive until SIGTERM/SIGINT.
    return new Promise<number>(() => {});
  },
};
