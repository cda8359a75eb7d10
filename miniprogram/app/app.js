// The sample mini-program: one SDK client for the whole app (getApp().client), the reminders
// socket kept while the app is in front (the SDK closes it in the background and reopens it on
// return), and the pages under pages/.
import config from './config.js'
import { createClient } from './sdk/index.js'

/** A login code from the simulator (development against scripts/run, config.js). */
function simulatorCode(simulator) {
  return new Promise((resolve, reject) =>
    wx.request({
      url: `${simulator.baseUrl}/sim/v1/login-codes`,
      method: 'POST',
      header: { 'Content-Type': 'application/json' },
      data: JSON.stringify({ openid: simulator.openid }),
      dataType: 'text',
      success: (response) => {
        try {
          resolve(JSON.parse(String(response.data)).code)
        } catch (error) {
          reject(error)
        }
      },
      fail: reject,
    }),
  )
}

App({
  globalData: { config },
  /** @type {ReturnType<typeof createClient> | null} */
  client: null,
  onLaunch() {
    const settings = this.globalData.config
    this.client = createClient({
      wx,
      baseUrl: settings.baseUrl,
      subscribeTemplateId: settings.subscribeTemplateId,
      loginCode: settings.simulator ? () => simulatorCode(settings.simulator) : undefined,
    })
    this.client.reminders.start()
  },
})
