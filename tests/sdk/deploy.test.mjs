// ctest deploy.nginx: Debian's nginx in front of three instances, configured from
// deploy/nginx/sharedstore.conf.in (rendered by deploy/nginx/render) with a throwaway certificate
// signed by the test CA. The phone signs in, calls and holds its reminders socket through nginx
// (https, wss), and a rolling restart (SIGTERM one instance at a time, back on its port, /readyz,
// the next) with reminders flowing loses none and shows none twice (docs/deploy.md).
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'

import { freePort, root, stop } from '../contract/stack.mjs'
import { startCluster } from './cluster.mjs'
import { eventually, newRun, phone, storeWithPartner } from './scenario.mjs'

const keys = process.env.SHAREDSTORE_TEST_KEYS_DIR
// fetch and `ws` trust the system's CAs and NODE_EXTRA_CA_CERTS, read at start-up: the test runs
// itself again with the test CA added, so that nginx's certificate (signed by it) is trusted.
if (keys && process.env.NODE_EXTRA_CA_CERTS !== `${keys}/wechat-ca.pem`) {
  const child = spawn(process.execPath, process.execArgv.concat(process.argv.slice(1)), {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: `${keys}/wechat-ca.pem` },
  })
  child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1))
} else {
  suite()
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 60000, ...options }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout),
    )
  })
}

async function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

// A certificate for 127.0.0.1 signed by the test CA (var/keys/wechat-ca.*), made for this run.
async function throwawayCertificate(dir) {
  const key = path.join(dir, 'nginx.key'), csr = path.join(dir, 'nginx.csr'), cert = path.join(dir, 'nginx.pem')
  const ext = path.join(dir, 'san.cnf')
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1\n')
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1'])
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', `${keys}/wechat-ca.pem`, '-CAkey', `${keys}/wechat-ca.key`, '-CAcreateserial',
    '-CAserial', path.join(dir, 'ca.srl'), '-days', '2', '-extfile', ext, '-out', cert])
  return { cert, key }
}

async function startNginx(instances) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sharedstore-nginx-'))
  const { cert, key } = await throwawayCertificate(dir)
  const port = await freePort()
  const args = ['--standalone', dir, '--listen', `127.0.0.1:${port}`, '--certificate', cert, '--key', key,
    '--console-dist', path.join(root, 'console/dist')]
  for (const instance of instances) args.push('--instance', `127.0.0.1:${instance.port}`)
  writeFileSync(path.join(dir, 'nginx.conf'), await run(path.join(root, 'deploy/nginx/render'), args))
  await run('nginx', ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')])
  const child = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' })
  await eventually(() => listening(port), 'nginx listens', 5000)
  return {
    port,
    base: `https://127.0.0.1:${port}`,
    ws: `wss://127.0.0.1:${port}/ws`,
    log: () => readFileSync(path.join(dir, 'error.log'), 'utf8').slice(-3000),
    async stop() {
      await stop(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function suite() {
  const runId = newRun()
  let cluster
  let instances = []
  let proxy
  let world
  let customer
  let partnerPhone
  const received = []

  before(async () => {
    cluster = await startCluster({ tag: 'deploy' })
    for (let i = 0; i < 3; i++) instances.push(await cluster.startInstance())
    proxy = await startNginx(instances)
    world = await storeWithPartner(cluster, proxy.base, runId)
    customer = await world.ownedCustomer(`oCust${runId}`)
    partnerPhone = phone(cluster, { openid: world.partner.openid, base: () => proxy.base, socket: () => proxy.ws })
    partnerPhone.client.reminders.on('dividend', (reminder) => {
      received.push(reminder)
      reminder.ack()
    })
  })

  after(async () => {
    partnerPhone?.client.reminders.stop()
    if (process.exitCode) console.log(cluster?.logs(), '\n--- nginx ---\n', proxy?.log())
    await proxy?.stop()
    await cluster?.stop()
  })

  const connected = () => partnerPhone.client.reminders.status().connected

  // A POS order through nginx, sent again (same merchant order id, so the server answers the
  // first one's result) when nginx had no instance to give it to, as a POS desk retries.
  async function payThroughProxy(amountFen) {
    const body = { merchant_order_id: `D${runId}-${amountFen}`, user_id: customer.id, amount_fen: amountFen, paid_at: new Date().toISOString() }
    for (let attempt = 0; ; attempt++) {
      const answer = await world.pos('/api/v1/pos/orders', body, proxy.base).catch((error) => ({ status: 0, answer: String(error) }))
      if ((answer.status === 201 || answer.status === 200) && answer.answer.dividend) return answer.answer
      if (attempt >= 20 || ![0, 502, 503, 504].includes(answer.status)) throw new Error(`POS order: ${answer.status} ${JSON.stringify(answer.answer)}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  test('through nginx: sign-in, calls, the reminders socket over wss, the console\'s assets and the limits', async () => {
    partnerPhone.client.reminders.start()
    await eventually(connected, 'the socket opens through nginx')
    const paid = await payThroughProxy(10000)
    await eventually(() => received.length === 1, 'the reminder arrives through nginx')
    assert.equal(received[0].dividend_id, paid.dividend.id)

    // The console: the page from an instance (its security headers), an asset from disk.
    const page = await fetch(`${proxy.base}/console/`)
    assert.equal(page.status, 200)
    const html = await page.text()
    const asset = html.match(/\/console\/assets\/[^"']+\.js/)
    assert.ok(asset, 'the console page names its script')
    const script = await fetch(proxy.base + asset[0])
    assert.equal(script.status, 200)
    assert.match(script.headers.get('cache-control') ?? '', /immutable/)

    // Headers up to the server's 16 KiB pass (nginx's default would refuse 8 KiB in one line)...
    const headers = await fetch(`${proxy.base}/readyz`, { headers: { 'X-Long': 'a'.repeat(12 * 1024) } })
    assert.equal(headers.status, 200)
    // ...and nginx refuses what an instance would refuse, before it reaches one.
    const large = await fetch(`${proxy.base}/api/v1/auth/wechat/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 'x'.repeat(1100 * 1024) }),
    })
    assert.equal(large.status, 413)
  })

  test('a rolling restart behind nginx with reminders flowing: none lost, none twice, in order', async () => {
    const before = received.length
    const paid = []
    let paying = true
    const payer = (async () => {
      for (let i = 1; paying; i++) {
        paid.push(await payThroughProxy(20000 + i))
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    })()
    for (const instance of instances) {
      await new Promise((resolve) => setTimeout(resolve, 700))
      await instance.restart() // SIGTERM (1001 to its sockets), back on its port, /readyz answers
    }
    await new Promise((resolve) => setTimeout(resolve, 700))
    paying = false
    await payer
    assert.ok(paid.length >= 20, `only ${paid.length} orders paid during the restart`)
    await eventually(() => received.length >= before + paid.length, `the ${paid.length} reminders arrive`, 30000)
    const during = received.slice(before)
    assert.deepEqual(during.map((r) => r.dividend_id), paid.map((p) => p.dividend.id))
    const ids = received.map((r) => BigInt(r.id.split('-')[0]))
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `out of order or twice: ${received[i - 1].id} then ${received[i].id}`)
    console.log(`rolling restart: ${paid.length} orders, ${during.length} reminders, ${partnerPhone.client.reminders.status().duplicates} duplicates dropped by the SDK`)
  })
}
