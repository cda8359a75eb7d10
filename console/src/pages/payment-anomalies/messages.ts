import { defineMessages } from '../../i18n/define'

export default defineMessages(
  {
    nav: { payment_anomalies: '支付异常' },
    anomalies: {
      heading: '支付异常',
      intro: '微信支付发来的、签名真实但与本店订单不符的通知：服务器拒绝入账并记录在这里。同一通知无论重发多少次只记一条。请对照微信支付商户平台核实。',
      refresh: '刷新',
      kind: {
        payment_mismatch: '支付信息不符',
        refund_conflict: '退款单号冲突',
        refund_exceeds_order: '退款超出订单',
        refund_unknown_order: '退款订单不存在',
      },
      kind_hint: {
        payment_mismatch: '金额、付款人或商户号与订单不一致，未入账',
        refund_conflict: '该微信退款单号已记录为另一订单或金额',
        refund_exceeds_order: '退款金额超过订单剩余金额',
        refund_unknown_order: '',
      },
      columns: { time: '时间', kind: '类型', order: '订单', reference: '微信单号', detail: '详情' },
      no_order: '无',
      empty: '没有支付异常，一切正常',
    },
  },
  {
    nav: { payment_anomalies: 'Payment anomalies' },
    anomalies: {
      heading: 'Payment anomalies',
      intro: 'Notifications WeChat Pay genuinely signed that do not match the store’s orders: the server refused to book them and keeps them here, once however often they were sent. Check them in WeChat Pay’s merchant platform.',
      refresh: 'Refresh',
      kind: {
        payment_mismatch: 'Payment does not match',
        refund_conflict: 'Refund id conflict',
        refund_exceeds_order: 'Refund above the order',
        refund_unknown_order: 'Refund of an unknown order',
      },
      kind_hint: {
        payment_mismatch: 'The amount, payer or merchant ids differ from the order; not booked',
        refund_conflict: 'This WeChat refund id was recorded for another order or amount',
        refund_exceeds_order: 'The refund is more than what is left of the order',
        refund_unknown_order: '',
      },
      columns: { time: 'Time', kind: 'Kind', order: 'Order', reference: 'WeChat number', detail: 'Detail' },
      no_order: 'None',
      empty: 'No payment anomalies: all is well',
    },
  },
)
