// 简体中文 (the default). en.ts must have the same keys: the type check compares them.
export default {
  app: {
    title: '共享店铺',
    subtitle: '商户后台',
    language: '语言',
  },
  login: {
    heading: '登录商户后台',
    scan: '请使用小程序扫码登录',
    pending: '扫码登录即将开放。',
  },
  money: {
    errors: {
      empty: '请输入金额',
      not_a_number: '请输入数字金额，例如 12.50',
      too_many_decimals: '金额最多两位小数（精确到分）',
      negative: '金额不能为负数',
      too_large: '金额过大',
    },
  },
  errors: {
    network_error: '无法连接服务器，请检查网络后重试',
    unexpected_response: '服务器返回了无法识别的结果',
  },
}
