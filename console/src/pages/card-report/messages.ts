import { defineMessages } from '../../i18n/define'

export default defineMessages(
  {
    nav: { cardReport: '卡券成效' },
    cardReport: {
      heading: '卡券成效',
      intro: '所选期间领取的卡券：领取、核销、领取后首次消费，以及首次消费后 30 天、90 天内的复购。合伙人是分享卡券的人。',
      refresh: '刷新',
      byPartner: '按合伙人',
      byTemplate: '按卡券模板',
      partner: '合伙人',
      template: '卡券',
      wechatUser: '微信用户',
      empty: '期间内没有领取的卡券',
      figures: { claimed: '领取', redeemed: '核销', first_purchases: '首次消费', repeat_30d: '30 天复购', repeat_90d: '90 天复购' },
    },
  },
  {
    nav: { cardReport: 'Card results' },
    cardReport: {
      heading: 'Card results',
      intro: 'Cards claimed in the period: claimed, redeemed, first purchases after the claim, and repeat purchases within 30 and 90 days of the first. The partner is the one who shared the card.',
      refresh: 'Refresh',
      byPartner: 'By partner',
      byTemplate: 'By card template',
      partner: 'Partner',
      template: 'Card',
      wechatUser: 'WeChat user',
      empty: 'No cards claimed in the period',
      figures: { claimed: 'Claimed', redeemed: 'Redeemed', first_purchases: 'First purchases', repeat_30d: 'Repeat in 30 days', repeat_90d: 'Repeat in 90 days' },
    },
  },
)
