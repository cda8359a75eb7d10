// The server's reminder frames (docs/websocket.md, "Frames"). Not in docs/openapi.yaml, which
// describes HTTP only: kept here by hand, beside the SDK that reads them.

export interface MerchantRef {
  id: string
  name: string
}

interface FrameBase {
  /** `<outbox id>-0`; only grows, across reconnections and instances. */
  id: string
}

export interface DividendFrame extends FrameBase {
  type: 'dividend'
  dividend_id: string
  order_id: string
  merchant: MerchantRef
  /** a masked phone, or 微信用户 */
  customer: string
  order_amount_fen: number
  dividend_fen: number
  state: 'pending' | 'settled'
  paid_at: string
}

export interface ReversalFrame extends Omit<DividendFrame, 'type'> {
  type: 'reversal'
  reversed_fen: number
}

export interface PayoutFrame extends FrameBase {
  type: 'payout'
  payout_id: string
  merchant: MerchantRef
  amount_fen: number
  state: 'succeeded' | 'failed' | 'cancelled' | 'rejected'
  reason?: string
  at: string
}

/** Vouchers a pool dividend credited (docs/alliance.md "Dividends"); never cash. */
export interface VouchersFrame extends FrameBase {
  type: 'vouchers'
  /** the dividend's number */
  dividend: number
  amount_fen: number
  expires_at: string
  at: string
}

/** Vouchers ending within the notice (7 days): what is left of them and the soonest end. */
export interface VouchersExpiringFrame extends FrameBase {
  type: 'vouchers_expiring'
  amount_fen: number
  expires_at: string
  at: string
}

export type ReminderFrame = DividendFrame | ReversalFrame | PayoutFrame | VouchersFrame | VouchersExpiringFrame
