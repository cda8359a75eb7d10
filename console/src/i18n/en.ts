import type zhCN from './zh-CN'

// English. Typed against zh-CN: a missing or extra key fails the type check.
const en: typeof zhCN = {
  app: {
    title: 'Shared Store',
    subtitle: 'Merchant console',
    language: 'Language',
  },
  login: {
    heading: 'Sign in to the merchant console',
    scan: 'Scan with the mini-program to sign in',
    pending: 'Signing in by scan is coming soon.',
  },
  money: {
    errors: {
      empty: 'Enter an amount',
      not_a_number: 'Enter an amount in digits, e.g. 12.50',
      too_many_decimals: 'At most two decimals (to the fen)',
      negative: 'The amount cannot be negative',
      too_large: 'The amount is too large',
    },
  },
  errors: {
    network_error: 'Cannot reach the server; check the network and try again',
    unexpected_response: 'The server answered something unexpected',
  },
}
export default en
