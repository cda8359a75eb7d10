// "My vouchers" (消费券): what the 众店 alliance credited me (pool dividends, lock rewards, and what a
// refund gave back), spendable in part of an order at any alliance store, never cash; each credit
// with what is left and when it ends, the soonest first; what unpaid orders and desk reservations
// hold and the voucher debt later dividends net, when there are any; my points (pending until the
// order's refund window closes, then in the pool). 到店使用 asks for a desk code (12 digits, two
// minutes; docs/pos-callbacks.md, "Vouchers at the desk") shown with its countdown; a tap asks for
// a new one, which replaces it. A `vouchers` reminder adds its line at once and is acked (the
// frame is the only reminder).
import { formatFen } from '../../sdk/index.js'

const day = (at) => at.slice(0, 10)

const SOURCES = { lock_reward: '锁粉奖励', refund_return: '退款退回' }

/** A credit of GET /api/v1/me/alliance as a line. */
function line(credit) {
  return {
    key: credit.dividend_number ? `${credit.dividend_number}-${credit.expires_at}` : `${credit.reason}-${credit.credited_at}-${credit.expires_at}`,
    source: credit.dividend_number ? `第 ${credit.dividend_number} 次分红` : (SOURCES[credit.reason] ?? '消费券'),
    left: formatFen(credit.remaining_fen),
    amount: formatFen(credit.amount_fen),
    expires: day(credit.expires_at),
    live: false,
  }
}

/** The figures of GET /api/v1/me/alliance's vouchers; held and debt empty when nothing (not shown). */
const figures = (vouchers) => ({
  balance: formatFen(vouchers.balance_fen),
  held: vouchers.held_fen ? formatFen(vouchers.held_fen) : '',
  debt: vouchers.debt_fen ? formatFen(vouchers.debt_fen) : '',
  // The advance line on the next dividends (docs/alliance.md "Advances"): what may be spent ahead, what is owed.
  advanceAvailable: vouchers.advance && vouchers.advance.available_fen ? formatFen(vouchers.advance.available_fen) : '',
  advanceOwed: vouchers.advance && vouchers.advance.outstanding_fen ? formatFen(vouchers.advance.outstanding_fen) : '',
})

// Points are centipoints: 100 = one displayed point.
const points = (cp) => (cp / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })

// 12 digits in groups of four, as the desk types them: 4839 2017 5536.
const grouped = (code) => code.replace(/(\d{4})(?=\d)/g, '$1 ')

/** What is left of a code until `until` (ms), as m:ss, or '' once it ended. */
function countdown(until, now) {
  const s = Math.max(0, Math.ceil((until - now) / 1000))
  return s === 0 ? '' : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

Page({
  data: {
    loading: true,
    error: '',
    balance: '',
    held: '',
    debt: '',
    advanceAvailable: '',
    advanceOwed: '',
    store: '',
    pending: '',
    vested: '',
    credits: [],
    // The desk code on screen: {code, grouped, spendable, left (m:ss, '' once ended)}, or null.
    desk: null,
    deskBusy: false,
    deskError: '',
  },

  onLoad() {
    this.app = getApp() // the app's SDK client, for this page's whole life
    this.offs = [this.app.client.reminders.on('vouchers', (reminder) => this.onVouchers(reminder))]
    return this.load()
  },

  onUnload() {
    for (const off of this.offs ?? []) off()
    this.stopCountdown()
  },

  async load() {
    this.setData({ loading: true, error: '' })
    try {
      const mine = await this.app.client.alliance.mine()
      this.setData({
        loading: false,
        ...figures(mine.vouchers),
        store: mine.lock ? mine.lock.merchant.name : '',
        pending: points(mine.points.pending_cp),
        vested: points(mine.points.vested_cp),
        credits: mine.vouchers.credits.map(line),
      })
    } catch (error) {
      this.setData({ loading: false, error: `加载失败（${error.requestId ?? error.message}）` })
    }
  },

  /** The 到店使用 button, and a tap on the code shown: a new code (the old one ends with it). */
  async onDeskCode() {
    if (this.data.deskBusy) return
    this.setData({ deskBusy: true, deskError: '' })
    try {
      const made = await this.app.client.alliance.voucherCode()
      this.stopCountdown()
      this.deskUntil = Date.parse(made.expires_at)
      this.setData({ desk: { code: made.code, grouped: grouped(made.code), spendable: formatFen(made.spendable_fen), left: countdown(this.deskUntil, Date.now()) } })
      this.timer = setInterval(() => this.tick(), 1000)
    } catch (error) {
      this.setData({ deskError: `获取券码失败，请重试（${error.requestId ?? error.message}）` })
    } finally {
      this.setData({ deskBusy: false })
    }
  },

  /** Each second while a code is shown: its countdown, stopped once it ended. */
  tick() {
    if (!this.data.desk) return this.stopCountdown()
    const left = countdown(this.deskUntil, Date.now())
    this.setData({ desk: { ...this.data.desk, left } })
    if (!left) this.stopCountdown()
  },

  stopCountdown() {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  },

  async onVouchers(reminder) {
    const fresh = {
      key: `${reminder.dividend}-${reminder.expires_at}`,
      source: `第 ${reminder.dividend} 次分红`,
      left: formatFen(reminder.amount_fen),
      amount: formatFen(reminder.amount_fen),
      expires: day(reminder.expires_at),
      live: true,
    }
    this.setData({ credits: [...this.data.credits.filter((c) => c.key !== fresh.key), fresh] })
    reminder.ack() // on screen now
    try {
      const mine = await this.app.client.alliance.mine()
      this.setData(figures(mine.vouchers)) // a dividend nets the voucher debt first
    } catch {
      // the balance catches up at the next load
    }
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },
})
