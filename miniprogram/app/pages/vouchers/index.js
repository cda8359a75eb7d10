// "My vouchers" (消费券): what the 众店 alliance's pool dividends credited me, spendable in part of
// an order at any alliance store, never cash; each credit with what is left and when it ends, the
// soonest first; my points (pending until the order's refund window closes, then in the pool). A
// `vouchers` reminder adds its line at once and is acked (the frame is the only reminder).
import { formatFen } from '../../sdk/index.js'

const day = (at) => at.slice(0, 10)

/** A credit of GET /api/v1/me/alliance as a line. */
function line(credit) {
  return {
    key: `${credit.dividend_number ?? 'r'}-${credit.expires_at}`,
    source: credit.dividend_number ? `第 ${credit.dividend_number} 次分红` : '锁粉奖励',
    left: formatFen(credit.remaining_fen),
    amount: formatFen(credit.amount_fen),
    expires: day(credit.expires_at),
    live: false,
  }
}

// Points are centipoints: 100 = one displayed point.
const points = (cp) => (cp / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })

Page({
  data: { loading: true, error: '', balance: '', store: '', pending: '', vested: '', credits: [] },

  onLoad() {
    this.app = getApp() // the app's SDK client, for this page's whole life
    this.offs = [this.app.client.reminders.on('vouchers', (reminder) => this.onVouchers(reminder))]
    return this.load()
  },

  onUnload() {
    for (const off of this.offs ?? []) off()
  },

  async load() {
    this.setData({ loading: true, error: '' })
    try {
      const mine = await this.app.client.alliance.mine()
      this.setData({
        loading: false,
        balance: formatFen(mine.vouchers.balance_fen),
        store: mine.lock ? mine.lock.merchant.name : '',
        pending: points(mine.points.pending_cp),
        vested: points(mine.points.vested_cp),
        credits: mine.vouchers.credits.map(line),
      })
    } catch (error) {
      this.setData({ loading: false, error: `加载失败（${error.requestId ?? error.message}）` })
    }
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
      this.setData({ balance: formatFen(mine.vouchers.balance_fen) })
    } catch {
      // the balance catches up at the next load
    }
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },
})
