// The Socket.IO peer of `sharedstore-bench fanout --mode socketio`: one Node process, WebSocket
// transport only, the Redis adapter (so a redis-emitter publisher reaches its sockets, as our
// relay reaches an instance through Redis). A socket joins the room of the user in its query
// (?user=N); an "ack" event is stored in Redis as our server stores acknowledgements.
//   node server.js [--port 18100] [--redis-port 16380]
'use strict';
const { createServer } = require('node:http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const port = Number(arg('--port', 18100));
  const redisPort = Number(arg('--redis-port', 16380));
  const pub = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const httpServer = createServer();
  const io = new Server(httpServer, {
    transports: ['websocket'],
    perMessageDeflate: false,
    serveClient: false,
    adapter: createAdapter(pub, sub),
  });
  io.on('connection', (socket) => {
    const user = String(socket.handshake.query.user || '');
    socket.join('u:' + user);
    socket.on('ack', (id) => {
      pub.set('sio-acked:' + user, String(id), { EX: 604800 }).catch(() => {});
    });
  });
  httpServer.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ listening: port, pid: process.pid })));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
