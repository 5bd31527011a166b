// A session's person, as the rollups and the visitors list key it: its email when it has one, else
// its visitor id. Spelled once in TypeScript and once in SQL (the same on both engines); the
// shipped migrations keep their own frozen copies, and the `sessions_who` indexes use that text.

export function personKey(email: string | null, visitorId: string | null): string | null {
  if (email !== null) return `e:${email}`;
  return visitorId === null ? null : `v:${visitorId}`;
}

/** The same key in SQL, for a sessions row aliased `row` (or unqualified when it is empty). */
export function personKeySql(row = ''): string {
  const column = (name: string) => (row ? `${row}.${name}` : name);
  return `coalesce('e:' || ${column('email')}, 'v:' || ${column('visitor_id')})`;
}
