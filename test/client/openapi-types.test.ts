// The client's types are generated from the server's OpenAPI document: when a route's schema
// changes, `npm run client:types` regenerates packages/tracker/src/client/openapi.d.ts. This test
// fails until it has been run and the result committed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { CLIENT_TYPES, generateClientTypes, readOpenApi } from '../../scripts/client-types.ts';

it('the committed client types match the OpenAPI document (else run npm run client:types)', async () => {
  const fresh = await generateClientTypes(await readOpenApi());
  assert.ok(readFileSync(CLIENT_TYPES, 'utf8') === fresh, 'openapi.d.ts is stale: run npm run client:types');
});
