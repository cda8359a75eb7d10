// ctest sdk.reminders: the SDK's reminders socket (miniprogram/sdk/reminders.js) on a Node wx,
// against real server instances, the simulator, MariaDB and Redis (a cluster of the test's own,
// cluster.mjs). What the partner's phone must see: every dividend, once, in order, whatever
// happens to the socket, the network or the instance it is connected to (docs/websocket.md).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { startCluster } from './cluster.mjs'
import { eventually, newRun, phone, storeWithPartner } from './scenario.mjs'

const run = newRun()
let cluster
let a
let b
let target // where the phone's socket goes: a load balancer's choice
let world
let partnerPhone
let customer
const received = [] // every dividend reminder the app was given, in order
const closes = []

before(async () => {
  cluster = await startCluster({ tag: 'sdk_reminders' })
  a = await cluster.startInstance()
  target = a
  world = await storeWithPartner(cluster, a.api, run)
  customer = await world.ownedCustomer(`oCust${run}`)
  partnerPhone = phone(cluster, {
    openid: world.partner.openid,
    base: () => a.api,
    socket: () => target.ws,
    // The partner taps "accept" in WeChat's dialog: WeChat records the acceptance.
    subscribe: async (tmplIds) => {
      await cluster.sim('/sim/v1/subscriptions', { touser: world.partner.openid, template_id: tmplIds[0], count: 1 })
      return { [tmplIds[0]]: 'accept' }
    },
  })
  const { reminders } = partnerPhone.client
  reminders.on('dividend', (reminder) => received.push(reminder))
  reminders.on('close', (event) => closes.push(event.code))
})

after(async () => {
  partnerPhone?.client.reminders.stop()
  if (process.exitCode) console.log(cluster?.logs())
  await cluster?.stop()
})

const connected = () => partnerPhone.client.reminders.status().connected
const idsOf = (list) => list.map((r) => r.id)
const messagesToPartner = async () => (await cluster.simGet(`/sim/v1/subscribe-messages?touser=${world.partner.openid}`)).messages

function assertStrictlyIncreasingAndUnique(list) {
  const ids = idsOf(list)
  assert.equal(new Set(ids).size, ids.length, `a reminder given twice: ${ids}`)
  for (let i = 1; i < list.length; i++) {
    const [p, q] = [ids[i - 1], ids[i]].map((id) => BigInt(id.split('-')[0]))
    assert.ok(p < q, `out of order: ${ids[i - 1]} before ${ids[i]}`)
  }
}

test('a partner\'s phone gets the dividend of a POS order, acks it, and no subscribe message is sent for it', async () => {
  const { client } = partnerPhone
  // Two acceptances: one is left for the reminder the phone does not see (the control below).
  assert.deepEqual(await client.subscriptions.requestDividendReminders(), { accepted: true, remaining: 1 })
  assert.deepEqual(await client.subscriptions.requestDividendReminders(), { accepted: true, remaining: 2 })
  client.reminders.start()
  await eventually(connected, 'the socket opens')

  const paid = await world.pay(customer, 10000)
  await eventually(() => received.length === 1, 'the dividend reminder arrives')
  const [shown] = received
  assert.equal(shown.type, 'dividend')
  assert.equal(shown.dividend_id, paid.dividend.id)
  assert.equal(shown.order_id, paid.order.id)
  assert.equal(shown.dividend_fen, paid.dividend.amount_fen)
  assert.equal(shown.order_amount_fen, 10000)
  assert.equal(shown.merchant.name, '茶饮小店')
  shown.ack() // the app showed it
  await eventually(() => client.reminders.status().ackedId === shown.id, 'the ack is sent')

  // The control: the app goes to the background (WeChat closes its socket), another order is
  // paid, and nobody acks it. Its subscribe message comes after the first one's would have been
  // due (both wait push.ack_timeout_ms), so one message, about the second, says the first was spared.
  partnerPhone.wx.$hide()
  await eventually(() => !connected() && partnerPhone.wx.$openSockets() === 0, 'the socket closes in the background')
  const unseen = await world.pay(customer, 20000)
  const messages = await eventually(async () => {
    const list = await messagesToPartner()
    return list.length > 0 && list
  }, 'the subscribe message of the unacknowledged reminder')
  assert.equal(messages.length, 1, JSON.stringify(messages))
  assert.match(JSON.stringify(messages[0]), /¥10\.00/, 'the message is about the second dividend (1000 fen)')
  assert.equal(unseen.dividend.amount_fen, 1000)

  // Back in front: the socket reopens, resumes after the first, and the missed one arrives once.
  partnerPhone.wx.$show()
  await eventually(() => received.length === 2, 'the missed reminder arrives after the app returns')
  assert.equal(received[1].dividend_id, unseen.dividend.id)
  received[1].ack()
  assert.equal((await messagesToPartner()).length, 1)
})

test('the socket dropped while 50 orders are paid: after reconnecting exactly the 50 missed reminders arrive, in order, none twice', async () => {
  const before = received.length
  const framesBefore = partnerPhone.wx.$record.frames.length
  partnerPhone.wx.$setOnline(false) // the phone loses its network: the socket dies without a close frame
  await eventually(() => !connected(), 'the socket is down')
  const paid = []
  for (let i = 0; i < 50; i++) paid.push(await world.pay(customer, 1000 + i))
  assert.equal(received.length, before, 'nothing arrives while offline')
  partnerPhone.wx.$setOnline(true, '4g')
  await eventually(() => received.length >= before + 50, 'the 50 missed reminders arrive', 20000)
  const missed = received.slice(before)
  assert.deepEqual(missed.map((r) => r.dividend_id), paid.map((p) => p.dividend.id))
  assert.deepEqual(missed.map((r) => r.order_amount_fen), paid.map((_, i) => 1000 + i))
  assertStrictlyIncreasingAndUnique(received)
  missed.at(-1).ack()
  const frames = partnerPhone.wx.$record.frames.length - framesBefore
  console.log(`50 missed reminders: ${frames} frames received, ${partnerPhone.client.reminders.status().duplicates} duplicates dropped in all`)
})

test('the instance shuts down (1001): the phone reconnects and resumes, nothing lost, nothing twice', async () => {
  const before = received.length
  const closesBefore = closes.length
  await a.stop()
  await eventually(() => closes.slice(closesBefore).includes(1001), 'the socket is closed with 1001')
  // The phone tries again at once, finds no server, backs off; the instance comes back.
  await a.restart()
  const paid = await world.pay(customer, 3000)
  await eventually(() => received.length === before + 1, 'the reminder paid after the restart arrives', 20000)
  assert.equal(received.at(-1).dividend_id, paid.dividend.id)
  assert.ok(connected())
  assertStrictlyIncreasingAndUnique(received)
})

test('two instances behind one Redis: the phone moves between them and misses nothing', async () => {
  b = await cluster.startInstance()
  const before = received.length
  // On A, an order paid through B reaches it.
  const viaB = await world.pay(customer, 4000, b.api)
  await eventually(() => received.length === before + 1, 'an order paid through B reaches the phone on A')
  assert.equal(received.at(-1).dividend_id, viaB.dividend.id)

  // A shuts down while an order is paid through B; the load balancer sends the phone to B.
  target = b
  const socketsBefore = partnerPhone.wx.$record.sockets.length
  const stopping = a.stop()
  const during = await world.pay(customer, 4100, b.api)
  await stopping
  await eventually(() => received.length === before + 2, 'the order paid during the move arrives')
  assert.equal(received.at(-1).dividend_id, during.dividend.id)
  await eventually(() => connected() && partnerPhone.wx.$record.sockets.at(-1) === b.ws, 'the phone is connected to B')
  assert.ok(partnerPhone.wx.$record.sockets.length > socketsBefore)
  const onB = await world.pay(customer, 4200, b.api)
  await eventually(() => received.length === before + 3, 'a live reminder on B')
  assert.equal(received.at(-1).dividend_id, onB.dividend.id)

  // A is back; the phone changes network (Wi-Fi to 4G) and lands on A; orders go through B.
  await a.restart()
  target = a
  partnerPhone.wx.$setOnline(true, 'wifi')
  await eventually(() => connected() && partnerPhone.wx.$record.sockets.at(-1) === a.ws, 'the phone is on A again')
  const back = await world.pay(customer, 4300, b.api)
  await eventually(() => received.length === before + 4, 'an order through B reaches the phone on A')
  assert.equal(received.at(-1).dividend_id, back.dividend.id)
  assertStrictlyIncreasingAndUnique(received)
  received.at(-1).ack()
  console.log(`reminders: ${received.length} given to the app; socket ${JSON.stringify(partnerPhone.client.reminders.status())}`)
})

