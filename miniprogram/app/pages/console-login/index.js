// Opened by the merchant console's QR code (console.login_page, scene `t=<ticket>`): says what is
// being signed in before it confirms, since a code from someone else's screen would sign them in
// as this user (docs/console-login.md).
import { CONSOLE_REFUSALS, consoleTicketFrom } from '../../sdk/index.js'

Page({
  data: { ticket: '', state: 'ask', message: '', busy: false },
  /** @type {any} */
  app: null,

  onLoad(options) {
    this.app = getApp() // the app's SDK client, for this page's whole life
    const ticket = consoleTicketFrom(options)
    if (!ticket) this.setData({ state: 'error', message: '这不是商户后台的登录二维码' })
    else this.setData({ ticket })
  },

  async onConfirm() {
    if (this.data.busy) return
    this.setData({ busy: true })
    try {
      await this.app.client.console.confirm(this.data.ticket)
      this.setData({ busy: false, state: 'done', message: '已登录，请回到电脑上继续操作' })
    } catch (error) {
      this.setData({ busy: false, state: 'error', message: CONSOLE_REFUSALS[error.code] ?? `登录失败（${error.requestId ?? error.message}）` })
    }
  },

  onCancel() {
    this.setData({ state: 'error', message: '已取消登录' })
    wx.switchTab({ url: '/pages/dividends/index' })
  },
})
