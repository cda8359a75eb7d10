// The share landing page: `pages/share/index?code=<code>` (a shared card) or `?scene=c%3D<code>`
// (a QR code). Shows the store and the card without signing in; the claim signs in.
import { describeClaim, isApiError, shareCodeFrom } from '../../sdk/index.js'

Page({
  data: {
    loading: true,
    error: '',
    code: '',
    view: null,
    claiming: false,
    result: null,
  },

  onLoad(options) {
    this.app = getApp() // the app's SDK client, for this page's whole life
    const code = shareCodeFrom(options)
    if (!code) {
      this.setData({ loading: false, error: '这个分享链接无效' })
      return
    }
    this.setData({ code })
    return this.load()
  },

  async load() {
    this.setData({ loading: true, error: '' })
    try {
      const view = await this.app.client.shares.view(this.data.code)
      this.setData({ loading: false, view })
    } catch (error) {
      const gone = isApiError(error, 'share_not_found')
      this.setData({ loading: false, error: gone ? '这个分享链接不存在' : `加载失败（${error.requestId ?? error.message}）` })
    }
  },

  async onClaim() {
    if (this.data.claiming) return
    this.setData({ claiming: true, error: '' })
    try {
      const claimed = await this.app.client.shares.claim(this.data.code)
      this.setData({ claiming: false, result: describeClaim(claimed) })
    } catch (error) {
      // Not repeated by the SDK: the button is offered again (a second claim is harmless).
      this.setData({ claiming: false, error: `领取失败，请重试（${error.requestId ?? error.message}）` })
    }
  },

  onShareAppMessage() {
    return { title: this.data.view ? `${this.data.view.merchant.name}：${this.data.view.card.title}` : '共享小店', path: `/pages/share/index?code=${this.data.code}` }
  },
})
