// The BIO.RE seed design, rebuilt for comparison: Fastify, one route, one
// `UPDATE … duration = duration + 30` per request on PostgreSQL, answering 200 whatever happened.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
app.patch('/api/v1/analytics/session/:id/heartbeat', async (request) => {
  await pool
    .query('UPDATE seed_sessions SET last_activity_at = now(), duration = duration + 30 WHERE id = $1', [
      request.params.id,
    ])
    .catch(() => {});
  return { success: true, data: { ok: true } };
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
