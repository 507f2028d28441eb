// Reference peer for the Harbour WebSocket fan-out benchmark: the plain `ws` broadcast server a
// Node.js developer would write.
//
//   node ws_server.mjs --port P --cert CERT.pem --key KEY.pem
//
// One HTTPS server on 127.0.0.1:P with Harbour's TLS settings (tls_options.mjs):
//   GET  /ws          WebSocket upgrade (no per-message compression, like Harbour)
//   POST /broadcast   the request body, as text, goes out as one text frame to every open socket; 204
//   GET  /healthz     200 {"status":"ok"}
import { createServer } from 'node:https';
import { WebSocket, WebSocketServer } from 'ws';

import { parseOptions, tlsOptions } from './tls_options.mjs';

const opts = parseOptions(process.argv.slice(2), ['port', 'cert', 'key']);

const server = createServer(tlsOptions(opts.cert, opts.key), (req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  if (req.method === 'POST' && req.url === '/broadcast') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) client.send(text);
      }
      res.writeHead(204);
      res.end();
    });
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":{"code":"not_found","message":"There is nothing at this address."}}');
});
// Harbour keeps an idle keep-alive connection 75 s (limits.idle_timeout).
server.keepAliveTimeout = 75_000;

// Harbour: no permessage-deflate, 64 KiB largest inbound message (limits.ws_message_bytes).
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 64 * 1024 });
wss.on('connection', (ws) => {
  ws.on('error', () => {}); // a client that goes away mid-frame is not a server error
});

server.listen(Number(opts.port), '127.0.0.1');
server.on('error', (err) => {
  process.stderr.write(`ws peer: ${err.message}\n`);
  process.exit(1);
});

const stop = () => {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
