// Withdrawals: the withdrawable balance per store, a withdrawal typed in yuan (sent as integer
// fen), WeChat's confirmation page through wx.requestMerchantTransfer with the payout's
// `confirm`, and the list of payouts, whose end arrives as a `payout` reminder (docs/payouts.md).
import { formatFen, isApiError, parseYuan } from '../../sdk/index.js'

const STATES = {
  awaiting_approval: '等待店铺审核',
  creating: '处理中',
  wait_user_confirm: '待确认收款',
  transferring: '转账中',
  cancelling: '取消中',
  succeeded: '已到账',
  failed: '失败，金额已退回',
  cancelled: '已取消，金额已退回',
  rejected: '店铺未通过，金额已退回',
}
const REFUSALS = {
  below_minimum: '低于最低提现金额',
  above_maximum: '超过单笔提现上限',
  daily_maximum: '超过今日提现上限',
  too_many_pending: '还有未完成的提现',
  insufficient_balance: '可提现余额不足',
  real_name_required: '2000 元起需先填写实名',
}

const payoutLine = (p) => ({
  id: p.id,
  merchant: p.merchant.name,
  amount: formatFen(p.amount_fen),
  state: STATES[p.state] ?? p.state,
  reason: p.fail_reason ?? p.decision_reason ?? '',
  confirmable: p.state === 'wait_user_confirm' && p.confirm !== null,
})

Page({
  data: {
    loading: true,
    error: '',
    balances: [],
    storeIndex: 0,
    amountText: '',
    problems: [],
    busy: false,
    payouts: [],
  },

  onLoad() {
    this.app = getApp() // the app's SDK client, for this page's whole life
    this.off = this.app.client.reminders.on('payout', (reminder) => this.onPayoutReminder(reminder))
    return this.load()
  },

  onUnload() {
    this.off?.()
  },

  async load() {
    const { payouts } = this.app.client
    this.setData({ loading: true, error: '' })
    try {
      const [balances, list] = await Promise.all([payouts.balances(), payouts.list({ limit: 20 })])
      this.setData({
        loading: false,
        balances: balances.items.map((b) => ({ merchantId: b.merchant.id, merchant: b.merchant.name, withdrawable: formatFen(b.withdrawable_fen), pending: formatFen(b.pending_fen), inFlight: formatFen(b.in_flight_fen), debt: b.debt_fen ? formatFen(b.debt_fen) : '' })),
        payouts: list.items.map(payoutLine),
      })
    } catch (error) {
      this.setData({ loading: false, error: `加载失败（${error.requestId ?? error.message}）` })
    }
  },

  onPickStore(event) {
    this.setData({ storeIndex: Number(event.detail.value) })
  },

  onAmountInput(event) {
    this.setData({ amountText: event.detail.value, problems: [] })
  },

  async onWithdraw() {
    const store = this.data.balances[this.data.storeIndex]
    const amountFen = parseYuan(this.data.amountText)
    if (!store) return
    if (amountFen === null || amountFen <= 0) {
      this.setData({ problems: ['请输入金额，例如 12.50'] })
      return
    }
    this.setData({ busy: true, problems: [], error: '' })
    try {
      const { payout } = await this.app.client.payouts.withdraw({ merchantId: store.merchantId, amountFen })
      this.setData({ amountText: '' })
      await this.load()
      if (payout.confirm) await this.confirm(payout)
      else if (payout.state === 'awaiting_approval') wx.showToast({ title: '已提交，等待店铺审核', icon: 'none' })
    } catch (error) {
      if (isApiError(error, 'withdrawal_refused')) this.setData({ problems: error.problems.map((p) => REFUSALS[p.code] ?? p.message) })
      else this.setData({ error: `提现失败（${error.requestId ?? error.message}）` })
    } finally {
      this.setData({ busy: false })
    }
  },

  /** The list's 确认收款 button: a payout still waiting for the partner. */
  async onConfirm(event) {
    const { payout } = await this.app.client.payouts.get(event.currentTarget.dataset.id)
    await this.confirm(payout)
  },

  async confirm(payout) {
    try {
      await this.app.client.payouts.confirm(payout)
      wx.showToast({ title: '已确认，等待到账', icon: 'none' })
    } catch (error) {
      wx.showToast({ title: isApiError(error, 'cancelled') ? '未确认，可在列表中再次确认' : '请稍后在列表中确认', icon: 'none' })
    }
  },

  async onPayoutReminder(reminder) {
    const known = this.data.payouts.some((p) => p.id === reminder.payout_id)
    if (known) {
      this.setData({
        payouts: this.data.payouts.map((p) =>
          p.id === reminder.payout_id ? { ...p, state: STATES[reminder.state] ?? reminder.state, reason: reminder.reason ?? '', confirmable: false } : p,
        ),
      })
    }
    reminder.ack()
    await this.load()
  },
})
