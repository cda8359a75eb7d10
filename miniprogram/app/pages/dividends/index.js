// "My partnerships": today's and this month's dividends, the stores I am a partner of, and the
// dividends list, which grows live from the reminders socket (each reminder shown is acked, so no
// subscribe message follows it). The subscribe messages lead here (push.subscribe_page).
import { formatFen } from '../../sdk/index.js'

/** A dividend of the API, or of a reminder frame, as a line of the list. */
function line(dividend, live) {
  const net = dividend.net_fen ?? dividend.dividend_fen - (dividend.reversed_fen ?? 0)
  return {
    dividendId: dividend.dividend_id ?? dividend.id,
    merchant: dividend.merchant.name,
    customer: dividend.customer,
    order: formatFen(dividend.order_amount_fen),
    amount: formatFen(net),
    reversed: dividend.reversed_fen ? formatFen(dividend.reversed_fen) : '',
    state: dividend.state === 'settled' ? '已结算' : '待结算',
    paidAt: dividend.paid_at.replace('T', ' ').slice(0, 16),
    live,
  }
}

Page({
  data: {
    loading: true,
    error: '',
    summary: null,
    memberships: [],
    items: [],
    nextCursor: null,
    loadingMore: false,
    socket: '',
  },

  onLoad() {
    this.app = getApp() // the app's SDK client, for this page's whole life
    const { reminders } = this.app.client
    this.offs = [
      reminders.on('dividend', (reminder) => this.onReminder(reminder)),
      reminders.on('reversal', (reminder) => this.onReminder(reminder)),
      reminders.on('open', () => this.setData({ socket: '' })),
      reminders.on('reconnecting', () => this.setData({ socket: '连接中断，正在重连…' })),
    ]
    return this.load()
  },

  onUnload() {
    for (const off of this.offs ?? []) off()
  },

  async load() {
    const { partners } = this.app.client
    this.setData({ loading: true, error: '' })
    try {
      const [summary, mine, page] = await Promise.all([partners.summary(), partners.memberships(), partners.dividends({ limit: 20 })])
      this.setData({
        loading: false,
        summary: this.summaryOf(summary),
        memberships: mine.memberships.map((m) => ({ id: m.id, merchant: m.merchant.name, tier: m.tier?.name ?? '—', storedValue: formatFen(m.stored_value_fen) })),
        items: page.items.map((d) => line(d, false)),
        nextCursor: page.next_cursor,
      })
    } catch (error) {
      this.setData({ loading: false, error: `加载失败（${error.requestId ?? error.message}）` })
    }
  },

  summaryOf(summary) {
    const d = summary.dividends
    return { today: formatFen(d.today_fen), month: formatFen(d.this_month_fen), total: formatFen(d.total_fen), pending: formatFen(d.pending_fen) }
  },

  async onReminder(reminder) {
    const fresh = line(reminder, true)
    const items = this.data.items.filter((item) => item.dividendId !== fresh.dividendId)
    this.setData({ items: [fresh, ...items] })
    reminder.ack() // on screen now
    try {
      this.setData({ summary: this.summaryOf(await this.app.client.partners.summary()) })
    } catch {
      // the figures catch up at the next load
    }
  },

  async onReachBottom() {
    if (!this.data.nextCursor || this.data.loadingMore) return
    this.setData({ loadingMore: true })
    try {
      const page = await this.app.client.partners.dividends({ limit: 20, cursor: this.data.nextCursor })
      this.setData({ items: [...this.data.items, ...page.items.map((d) => line(d, false))], nextCursor: page.next_cursor, loadingMore: false })
    } catch (error) {
      this.setData({ loadingMore: false, error: `加载失败（${error.requestId ?? error.message}）` })
    }
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  async onSubscribe() {
    try {
      const { accepted } = await this.app.client.subscriptions.requestDividendReminders()
      wx.showToast({ title: accepted ? '已开启离线提醒' : '未开启提醒', icon: 'none' })
    } catch (error) {
      wx.showToast({ title: '未开启提醒', icon: 'none' })
    }
  },
})
