// `npm run client:types`: builds the app, reads its OpenAPI document (the one /docs shows), writes it
// to dist/openapi.json and generates packages/tracker/src/client/openapi.d.ts from it with
// openapi-typescript. test/client/openapi-types.test.ts fails when the committed file is stale, so
// whoever changes a route's schema runs this and commits the result.

import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { buildTestApp } from '../test/helper.ts';

export const CLIENT_TYPES = fileURLToPath(
  new URL('../packages/tracker/src/client/openapi.d.ts', import.meta.url),
);

/** The server's OpenAPI document, from a real app on a throwaway SQLite file. */
export async function readOpenApi(): Promise<OpenAPI3> {
  const built = await buildTestApp();
  try {
    return built.app.swagger() as OpenAPI3;
  } finally {
    await built.close();
  }
}

/** The text of openapi.d.ts for `document`. */
export async function generateClientTypes(document: OpenAPI3): Promise<string> {
  return COMMENT_HEADER + astToString(await openapiTS(document));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const document = await readOpenApi();
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/openapi.json', `${JSON.stringify(document, null, 2)}\n`);
  writeFileSync(CLIENT_TYPES, await generateClientTypes(document));
  console.log(`client types: dist/openapi.json → ${CLIENT_TYPES}`);
}
