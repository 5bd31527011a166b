// A reference, not a contender: Fastify with the heartbeat route alone — the body parsed as JSON and
// the same envelope answered, no store, no plugins. Its ratio to the bare node:http ceiling is
// what the framework itself leaves for everything else a beat needs.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.removeContentTypeParser(['application/json', 'text/plain']);
app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_request, body, done) =>
  done(null, body ? JSON.parse(body) : {}),
);
app.post('/api/v1/analytics/session/:id/heartbeat', async () => ({
  success: true,
  data: { ok: true },
}));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
