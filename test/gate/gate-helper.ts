// Shared by the gate tests: a confidential folder on disk and an app that serves it, plus a tiny
// cookie jar for inject() answers.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, startServer, type TestAppOptions } from '../helper.ts';

export const ORIGIN = 'http://localhost:80';

export function makeGateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dwell-gate-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><title>Deck</title></head><body><h1>Q3 plan</h1></body></html>',
  );
  writeFileSync(join(dir, 'deck.html'), '<html><body><p>Numbers</p></body></html>');
  writeFileSync(
    join(dir, 'tracked.html'),
    '<html><head><script src="/dwell.js" defer></script></head><body>already tracked</body></html>',
  );
  writeFileSync(join(dir, 'notes.txt'), 'plain text </head>');
  writeFileSync(join(dir, '.secret'), 'dotfile');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'index.html'), '<html><head></head><body>sub</body></html>');
  return dir;
}

export function gateEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { DWELL_GATE_DIR: makeGateDir(), DWELL_DEMO: 'off', ...extra };
}

export const buildGateApp = (extra: Record<string, string> = {}, options: TestAppOptions = {}) =>
  buildTestApp(gateEnv(extra), options);
export const startGateServer = (extra: Record<string, string> = {}, options: TestAppOptions = {}) =>
  startServer(gateEnv(extra), options);

/** The `name=value; …` Cookie header for the cookies a response set. */
export function cookieHeader(response: LightMyRequestResponse): string {
  return (response.cookies as { name: string; value: string }[])
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}

export function cookieNamed(response: LightMyRequestResponse, name: string) {
  return (response.cookies as Record<string, unknown>[]).find((c) => c.name === name) as
    | {
        name: string;
        value: string;
        httpOnly?: boolean;
        secure?: boolean;
        sameSite?: string;
        path?: string;
        maxAge?: number;
      }
    | undefined;
}

export const form = (fields: Record<string, string>) => ({
  'content-type': 'application/x-www-form-urlencoded',
  payload: new URLSearchParams(fields).toString(),
});
