// A cluster of the SDK tests' own (as tests/integration/support/store_api.cpp's
// isolated_cluster_test): a Redis and a scratch database of its own on scripts/test's MariaDB,
// the WeChat simulator, and server instances that may be stopped, restarted on their port and
// doubled. Instances that share a Redis form one cluster (one relay, one fallback sender), which
// must include no other test's servers. Quick push timings, the reminder fallback switched on.
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import https from 'node:https'
import net from 'node:net'

import { freePort, mchid, startListening, stop } from '../contract/stack.mjs'

export const templateId = 'dividend-reminder-dev'

function required(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run this test through scripts/test, which starts MariaDB and Redis and sets it`)
  return value
}

function run(command, args, env, timeout = 60000) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout),
    )
  })
}

async function redisAnswers(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
    socket.on('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
    socket.on('error', () => resolve(false))
  })
}

async function startRedis() {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers(port)) return { port, child }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGKILL')
  throw new Error('redis-server did not answer within 5 s')
}

/**
 * @param {{tag: string, env?: Record<string, string>}} options
 */
export async function startCluster({ tag, env = {} }) {
  const sharedstore = required('SHAREDSTORE_BINARY')
  const wechatSim = required('WECHAT_SIM_BINARY')
  const config = required('SHAREDSTORE_TEST_CONFIG')
  const keys = required('SHAREDSTORE_TEST_KEYS_DIR')
  const database = `scratch_${tag}_${randomBytes(4).toString('hex')}`
  const mysql = ['--no-defaults', '-h', '127.0.0.1', '-P', required('SHAREDSTORE_MYSQL_PORT'), '-u', required('SHAREDSTORE_MYSQL_USER')]
  const mysqlEnv = { ...process.env, MYSQL_PWD: required('SHAREDSTORE_MYSQL_PASSWORD') }
  await run('mariadb', [...mysql, '-e', `CREATE DATABASE \`${database}\``], mysqlEnv)
  const redis = await startRedis()
  const appid = 'wxtest' + randomBytes(5).toString('hex')
  const clusterEnv = {
    ...process.env,
    SHAREDSTORE_MYSQL_DATABASE: database,
    SHAREDSTORE_REDIS_PORT: String(redis.port),
    SHAREDSTORE_AUTH_LOGIN_LIMIT_PER_IP: '100000',
    SHAREDSTORE_PUSH_SUBSCRIBE_TEMPLATE_ID: templateId,
    SHAREDSTORE_PUSH_RESUME_WINDOW_MS: '200',
    SHAREDSTORE_PUSH_RELAY_INTERVAL_MS: '20',
    // Long enough for a shown reminder's ack to arrive on a busy machine, short enough to wait for.
    SHAREDSTORE_PUSH_ACK_TIMEOUT_MS: '3000',
    ...env,
  }
  const instances = []
  let sim
  const stopAll = async () => {
    for (const instance of instances) await instance.stop()
    if (sim) await stop(sim.child)
    await stop(redis.child)
    await run('mariadb', [...mysql, '-e', `DROP DATABASE IF EXISTS \`${database}\``], mysqlEnv).catch(() => {})
  }
  try {
    await run(sharedstore, ['migrate', '--config', config], clusterEnv)
    sim = await startListening('wechat-sim', wechatSim, [
      '--appid', appid, '--app-secret-file', `${keys}/wechat-app-secret`, '--port', '0',
      '--tls-cert', `${keys}/wechat-sim.pem`, '--tls-key', `${keys}/wechat-sim.key`,
      '--mchid', mchid, '--merchant-cert', `${keys}/merchant-cert.pem`,
      '--platform-key', `${keys}/wechatpay-platform-private.pem`, '--platform-cert', `${keys}/wechatpay-platform-cert.pem`,
      '--apiv3-key-file', `${keys}/wechatpay-apiv3-key`, '--notify-retry-scale', '0.01',
    ], process.env)
  } catch (error) {
    await stopAll()
    throw error
  }
  const simUrl = `https://127.0.0.1:${sim.port}`
  const ca = readFileSync(`${keys}/wechat-ca.pem`)
  const instanceEnv = (port) => ({
    ...clusterEnv,
    SHAREDSTORE_HTTP_PORT: String(port),
    SHAREDSTORE_WECHAT_API_BASE_URL: simUrl,
    SHAREDSTORE_WECHAT_APPID: appid,
    SHAREDSTORE_WECHAT_PAY_API_BASE_URL: simUrl,
    SHAREDSTORE_WECHAT_PAY_MCHID: mchid,
    SHAREDSTORE_WECHAT_PAY_NOTIFY_URL: `http://127.0.0.1:${port}/api/v1/wechat/pay/notify`,
    SHAREDSTORE_PAYOUTS_NOTIFY_URL: `http://127.0.0.1:${port}/api/v1/wechat/pay/transfer-notify`,
  })

  /** A server instance on `port` (a new free one by default); `restart()` brings it back there. */
  async function startInstance(port) {
    port ??= await freePort()
    const env = instanceEnv(port)
    let process_ = await startListening('sharedstore', sharedstore, ['serve', '--config', config], env)
    const api = `http://127.0.0.1:${port}`
    const ready = async () => {
      for (let i = 0; i < 250; i++) {
        if (await fetch(api + '/readyz').then((r) => r.status === 200, () => false)) return
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      throw new Error(`the instance on ${port} did not become ready`)
    }
    await ready()
    const instance = {
      port,
      api,
      ws: `ws://127.0.0.1:${port}/ws`,
      running: true,
      logs: () => process_.log(),
      /** SIGTERM: every socket gets 1001, the process exits. */
      async stop() {
        instance.running = false
        await stop(process_.child)
      },
      async restart() {
        await instance.stop()
        process_ = await startListening('sharedstore', sharedstore, ['serve', '--config', config], env)
        await ready()
        instance.running = true
      },
    }
    instances.push(instance)
    return instance
  }

  function simCall(method, pathname, body) {
    return new Promise((resolve, reject) => {
      const request = https.request(simUrl + pathname, { method, ca, headers: { 'Content-Type': 'application/json' } }, (response) => {
        let data = ''
        response.setEncoding('utf8')
        response.on('data', (chunk) => (data += chunk))
        response.on('end', () =>
          response.statusCode === 200 ? resolve(data ? JSON.parse(data) : {}) : reject(new Error(`simulator ${pathname}: ${response.statusCode} ${data}`)),
        )
      })
      request.on('error', reject)
      request.end(body === undefined ? undefined : JSON.stringify(body))
    })
  }

  return {
    appid,
    mchid,
    startInstance,
    sim: (pathname, body) => simCall('POST', pathname, body ?? {}),
    simGet: (pathname) => simCall('GET', pathname),
    /** `sharedstore run-job NAME` beside the servers (the cluster's configuration). */
    async runJob(name) {
      const output = (await run(sharedstore, ['run-job', '--config', config, name], instanceEnv(instances[0]?.port ?? 8080))).trim()
      return JSON.parse(output.slice(output.lastIndexOf('\n{') + 1))
    },
    /** Another `sharedstore` command beside the servers (grant-platform-operator, ...): its output. */
    command: (name, args = []) => run(sharedstore, [name, '--config', config, ...args], instanceEnv(instances[0]?.port ?? 8080)),
    /** A statement in the cluster's database (what a test moves in time, as the jobs' tests do). */
    sql: (statement) => run('mariadb', [...mysql, database, '-e', statement], mysqlEnv),
    logs: () => instances.map((instance, i) => `--- instance ${i} (${instance.port}) ---\n${instance.logs().slice(-3000)}`).join('\n') + `\n--- wechat-sim ---\n${sim.log().slice(-2000)}`,
    stop: stopAll,
  }
}
