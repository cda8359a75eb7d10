// Where the sample mini-program talks to. These values fit `scripts/run` on the machine running
// WeChat DevTools (conf/dev.json: the API on 127.0.0.1:8080, the WeChat simulator on 8090);
// a real deployment has its own HTTPS domain and no simulator.
export default {
  baseUrl: 'http://127.0.0.1:8080',
  // push.subscribe_template_id of conf/dev.json: the dividend reminder's subscribe message.
  subscribeTemplateId: 'dividend-reminder-dev',
  // Development only: scripts/run's server asks the simulator about login codes, which does not
  // know the codes DevTools' wx.login gets from WeChat. With `openid` set the app asks the
  // simulator for a code of that user instead (DevTools must not check certificates: README.md).
  // Set `simulator` to null for a build against real WeChat.
  // oDevConsoleOwner is the demo store's owner that scripts/run makes: the console's QR login works
  // as it is; for the partner pages use a user you made a partner.
  simulator: { baseUrl: 'https://127.0.0.1:8090', openid: 'oDevConsoleOwner' },
}
