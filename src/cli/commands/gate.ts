// `dwell gate revoke <email>`: ends a person's access to the email gate at once — every access
// cookie issued to that email so far stops working and their open sessions end. They can come
// back through the form if DWELL_GATE_ALLOW still lets them in (remove them there to keep them out).

import { loadConfig } from '../../config.ts';
import { isValidEmail, normaliseEmail } from '../../gate/email.ts';
import { openStore } from '../../store/index.ts';
import type { Command } from './types.ts';

const USAGE = `Usage: dwell gate revoke <email>

Ends every access of <email> to the email gate at once (DATABASE_URL names the database).
`;

export const gate: Command = {
  summary: 'email gate: revoke a person’s access (dwell gate revoke <email>)',
  async run(args) {
    const [action, raw, ...rest] = args;
    if (action === '--help' || action === '-h' || args.includes('--help')) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (action !== 'revoke' || raw === undefined || rest.length > 0) {
      process.stderr.write(USAGE);
      return 2;
    }
    const email = normaliseEmail(raw);
    if (!isValidEmail(email)) {
      process.stderr.write(`dwell gate revoke: "${raw}" is not a valid email address\n`);
      return 2;
    }
    const store = await openStore(loadConfig());
    try {
      const { sessionsEnded } = await store.revokeGateAccess(email, await store.now());
      process.stdout.write(
        `revoked: ${email} (${sessionsEnded} open session${sessionsEnded === 1 ? '' : 's'} ended)\n`,
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
