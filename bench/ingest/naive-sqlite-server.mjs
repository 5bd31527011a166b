// The naive design on SQLite, the baseline the ingest targets are set against ("three times the
// naive per-request design"): Fastify, one route, one `UPDATE … duration = duration + 30` per
// request on one SQLite file (WAL, synchronous=NORMAL, as Dwell), committed before the answer.
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const db = new Database(process.env.NAIVE_SQLITE_PATH);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const beat = db.prepare(
  'UPDATE seed_sessions SET last_activity_at = ?, duration = duration + 30 WHERE id = ?',
);
const app = Fastify({ logger: false });
app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
app.post('/api/v1/analytics/session/:id/heartbeat', async (request) => {
  beat.run(Date.now(), request.params.id);
  return { success: true, data: { ok: true } };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
