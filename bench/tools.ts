// The commands `npm run bench` runs besides Node: wrk (the load) and taskset (the core pinning).
// Run as root where apt-get exists (a CI machine, a container), the bench installs a missing one;
// anywhere else it stops with the command that installs it, and a non-zero exit.

import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A command the bench needs is missing; the message says how to install it. */
export class MissingTool extends Error {}

export interface ToolOptions {
  /** Whether this process may install packages (default: it runs as root). */
  root?: boolean;
  /** Where commands are looked for (default: $PATH). */
  path?: string;
  /** Installs a Debian package (default: apt-get update, then apt-get install -y). */
  install?: (aptPackage: string) => void;
}

export function findOnPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // Not in this folder: the next one.
    }
  }
  return null;
}

function aptGetInstall(aptPackage: string): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', aptPackage], { stdio: 'inherit', env });
}

export function requireTool(command: string, aptPackage: string, options: ToolOptions = {}): void {
  const { root = process.getuid?.() === 0, path = process.env.PATH ?? '', install = aptGetInstall } = options;
  if (findOnPath(command, path)) return;
  let failure = '';
  if (root && findOnPath('apt-get', path)) {
    process.stderr.write(`npm run bench: ${command} is missing; running apt-get install -y ${aptPackage}\n`);
    try {
      install(aptPackage);
      if (findOnPath(command, path)) return;
      failure = ` (apt-get install -y ${aptPackage} ran, and ${command} is still missing)`;
    } catch (error) {
      failure = ` (apt-get install -y ${aptPackage} failed: ${(error as Error).message})`;
    }
  }
  throw new MissingTool(
    `npm run bench needs ${command}, which is not installed${failure}. Install it with:\n` +
      `  sudo apt-get install -y ${aptPackage}\n` +
      '(on Debian or Ubuntu; run as root, the bench installs it itself)',
  );
}
