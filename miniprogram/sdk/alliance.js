// The consumer's place in the 众店 alliance (docs/alliance.md): the store they are locked to, their
// points (pending and in the pool) and the vouchers pool dividends credited them, the soonest to
// expire first. Vouchers are never cash: they pay part of an order at any alliance store.

/**
 * @typedef {import('./api-schema').paths['/api/v1/me/alliance']['get']['responses']['200']['content']['application/json']} MyAlliance
 * @param {{session: any}} deps
 */
export function createAlliance({ session }) {
  return {
    /** @returns {Promise<MyAlliance>} */
    mine: () => session.authorized({ method: 'GET', path: '/api/v1/me/alliance' }),
  }
}
