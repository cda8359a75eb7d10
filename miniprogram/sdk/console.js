// Signing a staff member in to the merchant console from the mini-program (docs/console-login.md):
// the console's QR code opens `console.login_page` with scene `t=<ticket>`; the page says what is
// being signed in, and on the staff member's word confirms the ticket with their session.

const TICKET = /^[A-Za-z0-9_-]{24}$/

/** The ticket of a page's load options (`scene=t%3D<ticket>`), or null. */
export function consoleTicketFrom(options) {
  if (typeof options?.scene !== 'string') return null
  let scene
  try {
    scene = decodeURIComponent(options.scene)
  } catch {
    return null
  }
  const match = /^t=(.+)$/.exec(scene)
  return match && TICKET.test(match[1]) ? match[1] : null
}

/** What to tell the staff member when a confirmation is refused, by the server's code. */
export const CONSOLE_REFUSALS = Object.freeze({
  console_not_staff: '你不是任何店铺的店员，不能登录商户后台',
  console_ticket_taken: '这个二维码已被其他人使用',
  console_ticket_not_found: '二维码已过期，请在电脑上刷新后重新扫码',
})

/** @param {{session: any}} deps */
export function createConsoleLogin({ session }) {
  return {
    /** POST /api/v1/console/tickets/{ticket}/confirm: the computer showing the code is signed in as me. */
    confirm: (ticket) => session.authorized({ method: 'POST', path: `/api/v1/console/tickets/${encodeURIComponent(ticket)}/confirm` }),
    /** POST /api/v1/console/sessions/revoke-all: every console session of mine ends (a laptop left somewhere). */
    revokeAll: () => session.authorized({ method: 'POST', path: '/api/v1/console/sessions/revoke-all' }),
  }
}
