import { defineMessages } from '../../i18n/define'

export default defineMessages(
  {
    nav: { dividends: '分红' },
    dividends: {
      heading: '合伙人分红',
      intro: '所选期间内支付的订单给每位合伙人带来的分红。退款按比例冲回分红；结算延迟期内的分红为「待结算」，之后转入合伙人的可提现余额。',
      partner: '合伙人',
      orders: '订单数',
      dividend: '分红',
      reversed: '退款冲回',
      net: '净分红',
      pending: '待结算',
      total: '合计',
      empty: '该期间没有分红',
      refresh: '刷新',
    },
  },
  {
    nav: { dividends: 'Dividends' },
    dividends: {
      heading: 'Partners’ dividends',
      intro: 'What orders paid in the period earned each partner. Refunds reverse dividends in proportion; dividends inside the settlement delay are pending, then move to the partner’s withdrawable balance.',
      partner: 'Partner',
      orders: 'Orders',
      dividend: 'Dividends',
      reversed: 'Reversed',
      net: 'Net',
      pending: 'Pending',
      total: 'Total',
      empty: 'No dividends in this period',
      refresh: 'Refresh',
    },
  },
)
