// Emits reminders at a fixed rate through @socket.io/redis-emitter to rooms u:1..u:N, round-robin,
// for `sharedstore-bench fanout --mode socketio` (which starts it once a round). Each frame is the
// bench's dividend frame with its id and `t`, the emit time in microseconds since the epoch (the
// bench's latency is its read time minus t). Prints {"published": n} when done.
//   node publisher.js --redis-port P --rate R --duration S --users N --first-id ID
'use strict';
const { Emitter } = require('@socket.io/redis-emitter');
const { createClient } = require('redis');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

function nowUs() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

async function main() {
  const redisPort = Number(arg('--redis-port', 16380));
  const rate = Number(arg('--rate', 1000));
  const duration = Number(arg('--duration', 10));
  const users = Number(arg('--users', 1000));
  const firstId = Number(arg('--first-id', 1));
  const client = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  await client.connect();
  const emitter = new Emitter(client);
  const start = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      const due = Math.min(Math.floor((rate * elapsed) / 1000), Math.floor(rate * duration));
      for (; sent < due; ++sent) {
        const id = firstId + sent;
        emitter.to('u:' + ((sent % users) + 1)).emit('reminder', {
          type: 'dividend', id: id + '-0', dividend_id: '311', order_id: '877',
          merchant: { id: '12', name: '茶饮小店' }, customer: '138****5678',
          order_amount_fen: 12800, dividend_fen: 768, state: 'pending', paid_at: '2026-11-27T08:00:00Z',
          t: nowUs(),
        });
      }
      if (elapsed >= duration * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await client.quit();
  console.log(JSON.stringify({ published: sent }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
