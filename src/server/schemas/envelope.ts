// API.md's envelope as TypeBox schemas, shared by routes (serialisation), /docs and tests.

import { type TSchema, Type } from '@sinclair/typebox';

export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object({
      code: Type.String({ examples: ['INVALID_BODY'] }),
      message: Type.String({ examples: ['body/seq must be >= 1'] }),
    }),
  },
  { $id: 'ErrorEnvelope', description: 'Every failure, whatever the route' },
);

export function Ok<T extends TSchema>(data: T) {
  return Type.Object({ success: Type.Literal(true), data });
}

/** The error answers a route declares, for /docs. */
export function failures(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref(ErrorEnvelope)]));
}
