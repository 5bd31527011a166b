// Schemas of the gate routes (API.md "Email-gated access"). Lengths are generous on purpose: the
// handler validates the email itself, so a form gets its error inline rather than a JSON envelope.

import { Type } from '@sinclair/typebox';
import { HeartbeatBody } from './ingest.ts';

export const VerifyAccessBody = Type.Object(
  {
    email: Type.Optional(Type.String({ maxLength: 1024 })),
    next: Type.Optional(
      Type.String({ maxLength: 4096, description: 'A same-origin path; anything else is ignored' }),
    ),
  },
  {
    description: 'Form-encoded (the gate form) or JSON (scripts)',
    examples: [{ email: 'jane@example.com', next: '/confidential/deck.html' }],
  },
);

export const AccessGranted = Type.Object({
  session_record_id: Type.String({ description: 'The session id, also set as the session_record_id cookie' }),
  next: Type.String({ description: 'Where the form would redirect' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const LinkSent = Type.Object({
  verification: Type.Literal('link_sent'),
  expiresAt: Type.String({ format: 'date-time', description: 'When the emailed link stops working' }),
});

export const AccessFormQuery = Type.Object({ next: Type.Optional(Type.String({ maxLength: 4096 })) });

export const LinkQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 256 })) });
export const LinkBody = Type.Object({ token: Type.Optional(Type.String({ maxLength: 256 })) });

/** The tracker's beat without its token: the signed access cookie is the credential here. */
export const GateBeatBody = Type.Omit(HeartbeatBody, ['token'], {
  additionalProperties: false,
  description: 'Optional (the blueprint sends none); JSON as application/json or text/plain',
});
