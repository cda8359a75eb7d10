// The real server and WeChat simulator for the Node.js tests, started as the C++ integration
// tests start them (tests/integration/support/): on the MariaDB and Redis that scripts/test
// started, with the keys it made, each process on a port of its own.
import { execFile, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomBytes } from 'node:crypto'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export const mchid = '1900000001'

function required(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run this test through scripts/test, which starts MariaDB and Redis and sets it`)
  return value
}

/** A TCP port nothing listens on now (the server's notify_url must name it before it starts). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

// Starts `args`, resolves once it logs {"event":"listening",...,"port":N}; stderr is kept for failures.
export function startListening(what, command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let log = ''
    let started = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${what} did not start listening within 15 s:\n${log}`))
    }, 15000)
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk) => {
      log += chunk
      if (started) return
      for (const line of log.split('\n')) {
        if (!line.includes('"event":"listening"')) continue
        started = true
        clearTimeout(timer)
        resolve({ port: JSON.parse(line).port, child, log: () => log })
        return
      }
    })
    child.on('exit', (code) => {
      if (started) return
      clearTimeout(timer)
      reject(new Error(`${what} exited with ${code} at start-up:\n${log}`))
    })
  })
}

export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.on('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** wechat-sim with WeChat Pay, then `sharedstore serve` pointed at it (`env`: more overrides). */
export async function startStack({ sharedstore, wechatSim, env = {} }) {
  const config = required('SHAREDSTORE_TEST_CONFIG')
  const keys = required('SHAREDSTORE_TEST_KEYS_DIR')
  const appid = 'wxtest' + randomBytes(5).toString('hex')
  const sim = await startListening('wechat-sim', wechatSim, [
    '--appid', appid, '--app-secret-file', `${keys}/wechat-app-secret`, '--port', '0',
    '--tls-cert', `${keys}/wechat-sim.pem`, '--tls-key', `${keys}/wechat-sim.key`,
    '--mchid', mchid, '--merchant-cert', `${keys}/merchant-cert.pem`,
    '--platform-key', `${keys}/wechatpay-platform-private.pem`, '--platform-cert', `${keys}/wechatpay-platform-cert.pem`,
    '--apiv3-key-file', `${keys}/wechatpay-apiv3-key`, '--notify-retry-scale', '0.01',
  ], process.env)
  const simUrl = `https://127.0.0.1:${sim.port}`
  const port = await freePort()
  // The server's environment, also for jobs run beside it (runJob).
  const serverEnv = {
    ...process.env,
    SHAREDSTORE_HTTP_PORT: String(port),
    SHAREDSTORE_WECHAT_API_BASE_URL: simUrl,
    SHAREDSTORE_WECHAT_APPID: appid,
    SHAREDSTORE_WECHAT_PAY_API_BASE_URL: simUrl,
    SHAREDSTORE_WECHAT_PAY_MCHID: mchid,
    SHAREDSTORE_WECHAT_PAY_NOTIFY_URL: `http://127.0.0.1:${port}/api/v1/wechat/pay/notify`,
    SHAREDSTORE_PAYOUTS_NOTIFY_URL: `http://127.0.0.1:${port}/api/v1/wechat/pay/transfer-notify`,
    SHAREDSTORE_AUTH_LOGIN_LIMIT_PER_IP: '100000',
    ...env,
  }
  let server
  try {
    server = await startListening('sharedstore', sharedstore, ['serve', '--config', config], serverEnv)
  } catch (error) {
    await stop(sim.child)
    throw error
  }
  const api = `http://127.0.0.1:${server.port}`
  // As a load balancer would: traffic once /readyz says MariaDB and Redis answer.
  for (let i = 0; i < 250; i++) {
    const ready = await fetch(api + '/readyz').then((r) => r.status === 200, () => false)
    if (ready) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const ca = readFileSync(`${keys}/wechat-ca.pem`)
  return {
    api,
    /** A call of the simulator's control API (docs/simulator.md), answered as JSON. */
    sim(pathname, body) {
      return new Promise((resolve, reject) => {
        const request = https.request(simUrl + pathname, { method: 'POST', ca, headers: { 'Content-Type': 'application/json' } }, (response) => {
          let data = ''
          response.setEncoding('utf8')
          response.on('data', (chunk) => (data += chunk))
          response.on('end', () =>
            response.statusCode === 200 ? resolve(data ? JSON.parse(data) : {}) : reject(new Error(`simulator ${pathname}: ${response.statusCode} ${data}`)),
          )
        })
        request.on('error', reject)
        request.end(JSON.stringify(body))
      })
    },
    /** A `sharedstore` command beside the server (same configuration): the JSON object of its last output line. */
    command(name, args = []) {
      return new Promise((resolve, reject) => {
        execFile(sharedstore, [name, '--config', config, ...args], { env: serverEnv, timeout: 60000 }, (error, stdout, stderr) => {
          if (error) return reject(new Error(`${name} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`))
          const output = stdout.trim()
          try {
            resolve(JSON.parse(output.slice(output.lastIndexOf('\n{') + 1)))
          } catch {
            reject(new Error(`${name} printed no JSON summary:\n${stdout}${stderr}`))
          }
        })
      })
    },
    /** `sharedstore run-job NAME` beside the server: its JSON summary line. */
    runJob(name) {
      return this.command('run-job', [name])
    },
    logs: () => `--- server ---\n${server.log()}\n--- wechat-sim ---\n${sim.log()}`,
    async stop() {
      await stop(server.child)
      await stop(sim.child)
    },
  }
}
