// My cards to share: the partner's card packs at every store; the share button makes a new link
// (POST .../shares) and hands its `path` to WeChat through onShareAppMessage.


Page({
  data: { loading: true, error: '', packs: [], nextCursor: null },

  onLoad() {
    this.app = getApp() // the app's SDK client, for this page's whole life
    return this.load()
  },

  async load() {
    this.setData({ loading: true, error: '' })
    try {
      const page = await this.app.client.partners.cards({ limit: 50 })
      this.setData({
        loading: false,
        nextCursor: page.next_cursor,
        packs: page.items.map((p) => ({
          id: p.id,
          merchant: p.merchant.name,
          title: p.card.title,
          benefit: p.card.benefit,
          left: `${p.quota_left}/${p.quota}`,
          shareable: p.quota_left > 0 && Date.parse(p.card.valid_until) > Date.now(),
        })),
      })
    } catch (error) {
      this.setData({ loading: false, error: `加载失败（${error.requestId ?? error.message}）` })
    }
  },

  /**
   * From a `<button open-type="share" data-pack="...">`: WeChat waits for the promise (up to 3 s)
   * and shares what it resolves to; without a link (an error) it shares the fallback.
   */
  onShareAppMessage(event) {
    const packId = event?.target?.dataset?.pack
    const pack = this.data.packs.find((p) => p.id === packId)
    const fallback = { title: '共享小店', path: '/pages/dividends/index' }
    if (!pack) return fallback
    const title = `${pack.merchant}送你一张${pack.title}`
    return {
      ...fallback,
      title,
      promise: this.app.client.shares.create(pack.id).then(
        (share) => ({ title, path: share.path }),
        () => fallback,
      ),
    }
  },

})
