import { defineMessages } from '../../i18n/define'

export default defineMessages(
  {
    nav: { home: '概览' },
    home: {
      heading: '欢迎使用商户后台',
      intro: '在这里设置分享档位与卡券、管理合伙人和顾客、查看订单、分红与对账。',
      next: '各功能页面将随后续版本陆续开放。',
    },
  },
  {
    nav: { home: 'Overview' },
    home: {
      heading: 'Welcome to the merchant console',
      intro: 'Set share tiers and cards, look after partners and customers, and follow orders, dividends and reconciliation.',
      next: 'Each page arrives with its own release.',
    },
  },
)
