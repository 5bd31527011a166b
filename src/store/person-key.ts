// A session's person, as the rollups and the visitors list key it: its email when it has one, else
// its visitor id. The SQL spelling (`coalesce('e:' || email, 'v:' || visitor_id)`) must agree.

export function personKey(email: string | null, visitorId: string | null): string | null {
  if (email !== null) return `e:${email}`;
  return visitorId === null ? null : `v:${visitorId}`;
}
