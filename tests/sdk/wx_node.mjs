// A `wx` for Node, enough of WeChat's mini-program API for the SDK (miniprogram/sdk/) to run
// against the real server: fetch for wx.request, the `ws` package for wx.connectSocket (headers
// and subprotocols as WeChat sends them), a Map for storage, and a network and app lifecycle the
// test drives ($setOnline, $hide, $show). WeChat's own dialogs (login, subscribe, transfer
// confirmation) call handlers the test gives, which play the user through the simulator.
import { createRequire } from 'node:module'
import path from 'node:path'

import { root } from '../contract/stack.mjs'

const require = createRequire(path.join(root, 'miniprogram', 'package.json'))
const WebSocket = require('ws')

/**
 * @param {object} options
 * @param {() => Promise<string>} options.loginCode          what wx.login() gives (the simulator's code)
 * @param {(url: string) => string} [options.route]         where a socket URL really goes (a load balancer)
 * @param {(tmplIds: string[]) => Promise<Record<string, string>>} [options.subscribe]   the user's answer
 * @param {(option: {mchId: string, appId: string, package: string}) => Promise<void>} [options.transfer]
 * @param {Map<string, unknown>} [options.storage]           shared between two wx's: the same phone
 */
export function createWx({ loginCode, route = (url) => url, subscribe, transfer, storage = new Map() } = {}) {
  let online = true
  let networkType = 'wifi'
  const networkListeners = new Set()
  const showListeners = new Set()
  const hideListeners = new Set()
  const sockets = new Set()
  // What the test may look at: every socket opened, every frame the server sent (duplicates too).
  const record = { sockets: [], frames: [], requests: [], toasts: [], navigations: [], refusedUpgrades: 0 }

  const fail = (callback, errMsg) => setImmediate(() => callback?.({ errMsg }))

  const wx = {
    request({ url, method = 'GET', header = {}, data, timeout = 60000, success, fail: failed }) {
      record.requests.push({ method, url })
      if (!online) return fail(failed, 'request:fail offline')
      fetch(url, { method, headers: header, body: data, signal: AbortSignal.timeout(timeout) }).then(
        async (response) => {
          const text = await response.text()
          success?.({ statusCode: response.status, header: Object.fromEntries(response.headers), data: text, errMsg: 'request:ok' })
        },
        (error) => failed?.({ errMsg: `request:fail ${error.name === 'TimeoutError' ? 'timeout' : error.message}` }),
      )
    },

    login({ success, fail: failed }) {
      if (!online) return fail(failed, 'login:fail offline')
      loginCode().then((code) => success?.({ code, errMsg: 'login:ok' }), (error) => failed?.({ errMsg: `login:fail ${error.message}` }))
    },

    getStorageSync: (key) => (storage.has(key) ? structuredClone(storage.get(key)) : ''),
    setStorageSync: (key, value) => void storage.set(key, structuredClone(value)),
    removeStorageSync: (key) => void storage.delete(key),

    connectSocket({ url, header = {}, protocols = [], timeout = 60000 }) {
      const handlers = { open: [], close: [], error: [], message: [] }
      const on = (kind) => (callback) => void handlers[kind].push(callback)
      const fire = (kind, value) => handlers[kind].forEach((callback) => callback(value))
      let socket = null
      let closed = false
      const task = {
        onOpen: on('open'),
        onClose: on('close'),
        onError: on('error'),
        onMessage: on('message'),
        send({ data, success, fail: failed }) {
          if (!socket || socket.readyState !== WebSocket.OPEN) return fail(failed, 'sendSocketMessage:fail socket is not open')
          socket.send(data, (error) => (error ? failed?.({ errMsg: error.message }) : success?.({ errMsg: 'sendSocketMessage:ok' })))
        },
        close({ code = 1000, reason = '' } = {}) {
          if (socket && socket.readyState <= WebSocket.OPEN) socket.close(code, reason)
        },
        /** The test's hand on the connection: drop it as a lost network would (no close frame). */
        $kill() {
          socket?.terminate()
        },
      }
      const end = (code, reason) => {
        if (closed) return
        closed = true
        sockets.delete(task)
        fire('close', { code, reason })
      }
      if (!online) {
        setImmediate(() => {
          fire('error', { errMsg: 'connectSocket:fail offline' })
          end(1006, 'offline')
        })
        return task
      }
      const target = route(url)
      record.sockets.push(target)
      socket = new WebSocket(target, protocols, { headers: header, handshakeTimeout: timeout })
      sockets.add(task)
      socket.on('open', () => fire('open', { header: {}, profile: {} }))
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? data : data.toString('utf8')
        if (!isBinary) record.frames.push(text)
        fire('message', { data: text })
      })
      socket.on('unexpected-response', (request, response) => {
        if (response.statusCode === 401) record.refusedUpgrades++
        fire('error', { errMsg: `connectSocket:fail ${response.statusCode}` })
        request.destroy()
        end(1006, String(response.statusCode))
      })
      socket.on('error', (error) => fire('error', { errMsg: error.message }))
      socket.on('close', (code, reason) => end(code, reason.toString('utf8')))
      return task
    },

    getNetworkType({ success }) {
      setImmediate(() => success?.({ networkType: online ? networkType : 'none', errMsg: 'getNetworkType:ok' }))
    },
    onNetworkStatusChange: (listener) => void networkListeners.add(listener),
    offNetworkStatusChange: (listener) => void networkListeners.delete(listener),
    onAppShow: (listener) => void showListeners.add(listener),
    offAppShow: (listener) => void showListeners.delete(listener),
    onAppHide: (listener) => void hideListeners.add(listener),
    offAppHide: (listener) => void hideListeners.delete(listener),

    requestSubscribeMessage({ tmplIds, success, fail: failed }) {
      if (!subscribe) return fail(failed, 'requestSubscribeMessage:fail not allowed')
      subscribe(tmplIds).then((answer) => success?.({ ...answer, errMsg: 'requestSubscribeMessage:ok' }), (error) => failed?.({ errMsg: error.message }))
    },
    requestMerchantTransfer({ mchId, appId, package: pkg, success, fail: failed }) {
      if (!transfer) return fail(failed, 'requestMerchantTransfer:fail cancel')
      transfer({ mchId, appId, package: pkg }).then(
        () => success?.({ errMsg: 'requestMerchantTransfer:ok' }),
        (error) => failed?.({ errMsg: `requestMerchantTransfer:fail ${error.message}` }),
      )
    },
    canIUse: (name) => typeof wx[name] === 'function',

    showToast: (option) => void record.toasts.push(option.title),
    showLoading: () => {},
    hideLoading: () => {},
    showModal: ({ success }) => setImmediate(() => success?.({ confirm: true, cancel: false })),
    stopPullDownRefresh: () => {},
    switchTab: ({ url }) => void record.navigations.push(url),

    // ---- the test's side ------------------------------------------------------------------------
    $record: record,
    /** The network goes away (sockets drop without a close frame) or comes back, as WeChat tells it. */
    $setOnline(value, type = 'wifi') {
      online = value
      networkType = value ? type : 'none'
      if (!value) for (const task of [...sockets]) task.$kill()
      for (const listener of networkListeners) listener({ isConnected: value, networkType })
    },
    /** Every open socket dropped at once, without a close frame and without a network event. */
    $killSockets() {
      for (const task of [...sockets]) task.$kill()
    },
    $hide: () => hideListeners.forEach((listener) => listener({})),
    $show: () => showListeners.forEach((listener) => listener({ path: 'pages/dividends/index', query: {}, scene: 1001 })),
    $openSockets: () => sockets.size,
  }
  return wx
}
