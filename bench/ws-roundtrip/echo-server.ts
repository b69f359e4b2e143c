/**
 * The physical reference: a bare `ws` server (the library under @fastify/websocket, with
 * the same options) that sends every text frame back as it came. Run in its own process.
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on('listening', () => {
  const address = wss.address();
  console.log(`echo listening on ${typeof address === 'object' && address ? address.port : address}`);
});
process.once('SIGTERM', () => process.exit(0));
