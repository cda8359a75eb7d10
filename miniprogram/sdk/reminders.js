// The reminders socket (docs/websocket.md): wx.connectSocket with the Bearer header, `resume`
// with the last id seen (kept in storage), `ack` once the app has shown a reminder,
// de-duplication by id, reconnection with backoff (backoff.js), at once after 1001, a new sign-in
// after 4401, and a new socket when the network comes back or changes and when the app returns to
// the foreground (WeChat closes sockets of an app in the background within seconds).
import { reconnectDelay } from './backoff.js'

const ID = /^[0-9]{1,20}-[0-9]{1,20}$/
const ERROR_CLOSE_WAIT_MS = 3000
const CLOSE = Object.freeze({ normal: 1000, goingAway: 1001, policy: 1008, sessionEnded: 4401 })

/** Orders two reminder ids (`<outbox id>-<n>`): negative, 0 or positive. */
export function compareIds(a, b) {
  const [a1, a2] = a.split('-').map(BigInt)
  const [b1, b2] = b.split('-').map(BigInt)
  if (a1 !== b1) return a1 < b1 ? -1 : 1
  return a2 === b2 ? 0 : a2 < b2 ? -1 : 1
}

/** The storage key of a user's last reminder id. */
export const lastIdKey = (userId) => `sharedstore.reminders.${userId}`

/**
 * @typedef {import('./frames').ReminderFrame} ReminderFrame
 * @typedef {ReminderFrame & {ack: () => void}} Reminder
 * @typedef {{setTimeout: (fn: () => void, ms: number) => any, clearTimeout: (handle: any) => void}} Clock
 *
 * @param {object} deps
 * @param {WechatMiniprogram.Wx} deps.wx
 * @param {ReturnType<typeof import('./session.js').createSession>} deps.session
 * @param {string} deps.url            ws(s)://host/ws
 * @param {Clock} [deps.clock]
 * @param {() => number} [deps.random]
 * @param {boolean} [deps.autoAck]     ack every reminder as it arrives (default: the app calls ack())
 */
export function createReminders({ wx, session, url, clock = globalThis, random = Math.random, autoAck = false }) {
  const listeners = new Map()
  let running = false
  let background = false
  let online = true
  let failures = 0
  let handshakeFailed = false
  let timer = null
  /** @type {{task: any, token: string, userId: string, open: boolean, done: boolean, deliberate: boolean} | null} */
  let current = null
  let lastId = null
  let loadedFor = null
  let ackedId = null
  let pendingAck = null
  const stats = { connects: 0, opens: 0, frames: 0, duplicates: 0, refused: 0 }

  function emit(type, value) {
    for (const listener of listeners.get(type) ?? []) {
      try {
        listener(value)
      } catch (error) {
        // A listener's bug must not stop the others nor the socket.
        if (type !== 'error') emit('error', error)
      }
    }
  }

  function later(fn, ms) {
    if (timer !== null) clock.clearTimeout(timer)
    timer = clock.setTimeout(() => {
      timer = null
      fn()
    }, ms)
  }

  function cancelTimer() {
    if (timer !== null) clock.clearTimeout(timer)
    timer = null
  }

  /** Opens a socket now, unless one is open or opening, or the app cannot have one. */
  function connectNow() {
    cancelTimer()
    if (!running || background || !online || current) return
    void open()
  }

  function scheduleBackoff() {
    const delayMs = reconnectDelay(failures, random)
    failures++
    emit('reconnecting', { delayMs, failures })
    later(connectNow, delayMs)
  }

  async function open() {
    // A placeholder, so that a second connectNow() while the session is read opens nothing.
    const conn = { task: null, token: '', userId: '', open: false, done: false, deliberate: false }
    current = conn
    let signedIn
    try {
      // WeChat does not say why a handshake failed: after one that never opened, make sure the
      // token still holds (a 401 at the upgrade would otherwise be tried again and again).
      if (handshakeFailed) await session.check()
      signedIn = await session.current()
    } catch (error) {
      if (current === conn) current = null
      emit('error', error)
      if (running && !conn.deliberate) scheduleBackoff()
      return
    }
    if (conn.deliberate || current !== conn) return
    conn.token = signedIn.token
    conn.userId = signedIn.user.id
    if (loadedFor !== conn.userId) loadLastId(conn.userId)
    stats.connects++
    const task = wx.connectSocket({
      url,
      header: { Authorization: `Bearer ${signedIn.token}` },
      protocols: ['sharedstore.v1'],
      timeout: 10000,
    })
    conn.task = task
    task.onOpen(() => {
      if (conn.done) return
      conn.open = true
      failures = 0
      handshakeFailed = false
      stats.opens++
      // No id yet (a first start): no resume, so the server sends what is new from now on
      // (the history is the app's to load over HTTP, not to replay as reminders).
      if (lastId !== null) send(conn, { type: 'resume', after: lastId })
      if (pendingAck !== null) flushAck()
      emit('open', { lastId })
    })
    task.onMessage((message) => receive(conn, message?.data))
    // Some WeChat versions report a failed connection with onError only, others with both. On an
    // open socket the close that follows carries the code that matters (1001, 4401): wait for it,
    // a few seconds at most.
    task.onError((error) => {
      const reason = error?.errMsg ?? 'error'
      if (!conn.open) ended(conn, { code: 1006, reason })
      else clock.setTimeout(() => ended(conn, { code: 1006, reason }), ERROR_CLOSE_WAIT_MS)
    })
    task.onClose((event) => ended(conn, { code: event?.code ?? 1006, reason: event?.reason ?? '' }))
  }

  function loadLastId(userId) {
    loadedFor = userId
    let value = null
    try {
      value = wx.getStorageSync(lastIdKey(userId))
    } catch {
      value = null
    }
    lastId = typeof value === 'string' && ID.test(value) ? value : null
    ackedId = null
    pendingAck = null
  }

  function send(conn, frame) {
    conn.task.send({ data: JSON.stringify(frame), fail: () => {} })
  }

  function receive(conn, data) {
    if (conn.done || typeof data !== 'string') return
    let frame
    try {
      frame = JSON.parse(data)
    } catch {
      stats.refused++
      return
    }
    if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string' || typeof frame.id !== 'string' || !ID.test(frame.id)) {
      stats.refused++
      return
    }
    stats.frames++
    // Delivery is at least once and in order: anything at or before the last id was seen.
    if (lastId !== null && compareIds(frame.id, lastId) <= 0) {
      stats.duplicates++
      return
    }
    lastId = frame.id
    wx.setStorageSync(lastIdKey(conn.userId), lastId)
    const id = frame.id
    const reminder = { ...frame, ack: () => ack(id) }
    emit(frame.type, reminder)
    emit('reminder', reminder)
    if (autoAck) ack(id)
  }

  /** The reminder `id` (and every earlier one) was shown: no subscribe message for it. */
  function ack(id) {
    if (!ID.test(id)) return
    if (ackedId !== null && compareIds(id, ackedId) <= 0) return
    if (pendingAck === null || compareIds(id, pendingAck) > 0) pendingAck = id
    flushAck()
  }

  function flushAck() {
    if (!current?.open || pendingAck === null) return
    send(current, { type: 'ack', id: pendingAck })
    ackedId = pendingAck
    pendingAck = null
  }

  function ended(conn, { code, reason }) {
    if (conn.done) return
    conn.done = true
    if (current === conn) current = null
    if (!conn.open && !conn.deliberate) handshakeFailed = true
    emit('close', { code, reason, deliberate: conn.deliberate })
    if (!running || conn.deliberate) return
    if (code === CLOSE.goingAway) {
      // The instance is shutting down: another one answers at once (docs/websocket.md).
      later(connectNow, 0)
    } else if (code === CLOSE.sessionEnded) {
      session.forget(conn.token)
      session.login().then(
        () => later(connectNow, 0),
        (error) => {
          emit('error', error)
          if (running) scheduleBackoff()
        },
      )
    } else if (code === CLOSE.policy) {
      // A frame the server does not allow: reconnecting would repeat it.
      running = false
      emit('error', new Error(`the server refused a frame of this client (1008 ${reason})`))
    } else {
      scheduleBackoff()
    }
  }

  /** Closes the current socket on purpose: its close schedules nothing. */
  function closeCurrent(reason) {
    const conn = current
    if (!conn) return
    current = null
    conn.deliberate = true
    if (conn.task && !conn.done) {
      try {
        conn.task.close({ code: CLOSE.normal, reason })
      } catch {
        // already closed
      }
    }
  }

  /** @param {WechatMiniprogram.OnNetworkStatusChangeListenerResult} result */
  const onNetwork = ({ isConnected }) => {
    online = isConnected
    if (!running) return
    if (!isConnected) {
      cancelTimer()
      closeCurrent('offline')
      return
    }
    // Back, or moved (Wi-Fi to 4G): the old socket's path is probably gone; open a new one now.
    failures = 0
    closeCurrent('network changed')
    connectNow()
  }
  const onShow = () => {
    background = false
    failures = 0
    connectNow()
  }
  const onHide = () => {
    background = true
    cancelTimer()
    closeCurrent('background')
  }

  return {
    /** Starts: connects now (when online) and keeps a socket while the app is in front. */
    start() {
      if (running) return
      running = true
      wx.onNetworkStatusChange(onNetwork)
      wx.onAppShow(onShow)
      wx.onAppHide(onHide)
      wx.getNetworkType({
        success: ({ networkType }) => {
          online = networkType !== 'none'
          connectNow()
        },
        fail: () => connectNow(),
      })
    },
    stop() {
      running = false
      cancelTimer()
      // (the typings give the off- listener another type than the on- one)
      wx.offNetworkStatusChange?.(/** @type {any} */ (onNetwork))
      wx.offAppShow?.(onShow)
      wx.offAppHide?.(onHide)
      closeCurrent('stopped')
    },
    /**
     * `dividend`, `reversal`, `payout`, `level_up`, `points_expiring`, `card_redeemed`, `card_expiring`, `award`, `vouchers`
     * (a Reminder), `reminder` (any of them), `open`, `close`,
     * `reconnecting`, `error`. Returns the unsubscribe function.
     * @param {string} type
     * @param {(value: any) => void} listener
     */
    on(type, listener) {
      if (!listeners.has(type)) listeners.set(type, new Set())
      listeners.get(type).add(listener)
      return () => listeners.get(type)?.delete(listener)
    },
    ack,
    /** What the socket is doing, for a status line and for tests. */
    status() {
      return { running, connected: current?.open === true, online, background, failures, lastId, ackedId, ...stats }
    },
  }
}
