// The consumer's place in the 众店 alliance (docs/alliance.md): the store they are locked to, their
// points (pending and in the pool) and the vouchers pool dividends credited them, the soonest to
// expire first. Vouchers are never cash: they pay part of an order at any alliance store, online
// (the order's `voucher_fen`) or at the desk with a code from voucherCode().

/**
 * @typedef {import('./api-schema').paths['/api/v1/me/alliance']['get']['responses']['200']['content']['application/json']} MyAlliance
 * @typedef {import('./api-schema').components['schemas']['VoucherCode']} VoucherCode
 * @param {{session: any}} deps
 */
export function createAlliance({ session }) {
  return {
    /**
     * The lock, the points and the vouchers: `balance_fen`, `held_fen` (by unpaid orders and desk
     * reservations), `debt_fen` (owed back from later dividends) and the credits.
     * @returns {Promise<MyAlliance>}
     */
    mine: () => session.authorized({ method: 'GET', path: '/api/v1/me/alliance' }),
    /**
     * POST /api/v1/me/alliance/voucher-code: a code for the desk to reserve the caller's vouchers
     * with (docs/pos-callbacks.md, "Vouchers at the desk"): `code` (12 digits) to show as text,
     * `qr_payload` (`ssvch:` + digits) as a QR code, `expires_at` 2 minutes on, `spendable_fen`.
     * Each call replaces the previous code, so sending it again (the SDK's retry after a lost
     * answer) is harmless: the newest code is the live one.
     * @returns {Promise<VoucherCode>}
     */
    voucherCode: () => session.authorized({ method: 'POST', path: '/api/v1/me/alliance/voucher-code', repeatable: true }),
  }
}
