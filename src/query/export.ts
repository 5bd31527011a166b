// The text of an export (CSV or NDJSON), chunk by chunk from the store's batches: shared by
// GET /api/v1/analytics/export and `dwell export`.

import type { SessionFilter } from '../store/query-types.ts';
import type { Store } from '../store/types.ts';
import { csvHeader, csvRow, presentExportedSession } from './present.ts';

export type ExportFormat = 'csv' | 'ndjson';

/** A CSV header first, then one chunk per store batch; `onRows` counts rows for progress bars. */
export async function* exportChunks(
  store: Store,
  filter: SessionFilter,
  format: ExportFormat,
  timeoutMs: number,
  onRows?: (rows: number) => void,
  /** The site's id, named on each NDJSON session as the sessions API does. */
  siteId?: string,
): AsyncGenerator<string> {
  const now = await store.now();
  if (format === 'csv') yield csvHeader();
  if (format === 'csv' && store.exportSessionsCsv) {
    for await (const chunk of store.exportSessionsCsv(filter, { now, timeoutMs })) {
      onRows?.(countLines(chunk));
      yield chunk;
    }
    return;
  }
  for await (const batch of store.exportSessions(filter, { pages: format === 'ndjson' })) {
    let chunk = '';
    if (format === 'csv') for (const session of batch) chunk += csvRow(session, now, timeoutMs);
    else
      for (const session of batch)
        chunk += `${JSON.stringify(presentExportedSession(session, now, timeoutMs, siteId))}\n`;
    onRows?.(batch.length);
    yield chunk;
  }
}

function countLines(chunk: string): number {
  let lines = 0;
  for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', at + 1)) lines++;
  return lines;
}
