// The ceiling: a bare node:http server that reads the body, parses it and answers the same
// envelope as Dwell's heartbeat, with no store at all.
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    if (body) JSON.parse(body); // parsed like the others, so the ceiling pays for it too
    const payload = JSON.stringify({
      success: true,
      data: { ok: true },
    });
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
    });
    response.end(payload);
  });
}).listen(port, '127.0.0.1');
