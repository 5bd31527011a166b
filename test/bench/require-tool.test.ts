// `npm run bench` installs or clearly asks for wrk (issue #27): as root with apt-get it installs a
// missing tool; otherwise, or when the install fails, it stops with the command that installs it.

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MissingTool, requireTool } from '../../bench/tools.ts';

function executable(dir: string, name: string): void {
  writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, name), 0o755);
}

describe('the bench finds its tools', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dwell-tools-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses a tool that is on PATH, installing nothing', () => {
    executable(dir, 'wrk');
    requireTool('wrk', 'wrk', { root: true, path: dir, install: () => assert.fail('installed') });
  });

  it('asks for `apt-get install -y wrk` when it may not install it', () => {
    executable(dir, 'apt-get');
    assert.throws(
      () => requireTool('wrk', 'wrk', { root: false, path: dir, install: () => assert.fail('installed') }),
      (error: Error) => error instanceof MissingTool && /sudo apt-get install -y wrk/.test(error.message),
    );
  });

  it('installs a missing tool with apt-get when it runs as root', () => {
    executable(dir, 'apt-get');
    const installed: string[] = [];
    requireTool('taskset', 'util-linux', {
      root: true,
      path: dir,
      install: (aptPackage) => {
        installed.push(aptPackage);
        executable(dir, 'taskset');
      },
    });
    assert.deepEqual(installed, ['util-linux']);
  });

  it('says what failed, and how to install it, when the install fails', () => {
    executable(dir, 'apt-get');
    assert.throws(
      () =>
        requireTool('wrk', 'wrk', {
          root: true,
          path: dir,
          install: () => {
            throw new Error('no network');
          },
        }),
      (error: Error) =>
        error instanceof MissingTool &&
        /failed: no network/.test(error.message) &&
        /sudo apt-get install -y wrk/.test(error.message),
    );
  });

  it('asks for it as root where there is no apt-get', () => {
    assert.throws(
      () => requireTool('wrk', 'wrk', { root: true, path: dir, install: () => assert.fail('installed') }),
      MissingTool,
    );
  });
});
