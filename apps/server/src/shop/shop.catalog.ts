// The demo shop's products (S4): priced per region's currency, in minor units. Prices live on the server,
// so a cart sent by the browser cannot choose its own prices.
export interface ShopProduct {
  id: string;
  names: Record<string, string>;
  descriptions: Record<string, string>;
  emoji: string;
  prices: Record<string, string>;
}

export interface ShopRegion {
  code: string;
  currency: string;
  names: Record<string, string>;
}

export const SHOP_REGIONS: readonly ShopRegion[] = [
  { code: 'TH', currency: 'THB', names: { en: 'Thailand', zh: '泰国', th: 'ประเทศไทย', id: 'Thailand' } },
  { code: 'SG', currency: 'SGD', names: { en: 'Singapore', zh: '新加坡', th: 'สิงคโปร์', id: 'Singapura' } },
  {
    code: 'ID',
    currency: 'IDR',
    names: { en: 'Indonesia', zh: '印度尼西亚', th: 'อินโดนีเซีย', id: 'Indonesia' },
  },
  { code: 'JP', currency: 'JPY', names: { en: 'Japan', zh: '日本', th: 'ญี่ปุ่น', id: 'Jepang' } },
];

export const SHOP_PRODUCTS: readonly ShopProduct[] = [
  {
    id: 'jasmine-tea',
    names: { en: 'Jasmine tea', zh: '茉莉花茶', th: 'ชามะลิ', id: 'Teh melati' },
    descriptions: { en: '100 g loose leaf', zh: '散装 100 克', th: 'ใบชา 100 กรัม', id: 'Daun teh 100 g' },
    emoji: '🍵',
    prices: { THB: '45000', SGD: '1800', IDR: '19500000', JPY: '1800' },
  },
  {
    id: 'ceramic-cup',
    names: { en: 'Ceramic cup', zh: '陶瓷茶杯', th: 'ถ้วยเซรามิก', id: 'Cangkir keramik' },
    descriptions: {
      en: 'Hand-glazed, 180 ml',
      zh: '手工上釉，180 毫升',
      th: 'เคลือบด้วยมือ 180 มล.',
      id: 'Glasir tangan, 180 ml',
    },
    emoji: '☕',
    prices: { THB: '32000', SGD: '1300', IDR: '14000000', JPY: '1300' },
  },
  {
    id: 'tea-set',
    names: { en: 'Travel tea set', zh: '旅行茶具套装', th: 'ชุดชงชาพกพา', id: 'Set teh perjalanan' },
    descriptions: {
      en: 'Pot, two cups and a case',
      zh: '一壶两杯附收纳盒',
      th: 'กาน้ำชา ถ้วยสองใบ และกระเป๋า',
      id: 'Teko, dua cangkir, dan tas',
    },
    emoji: '🫖',
    prices: { THB: '129000', SGD: '5200', IDR: '56000000', JPY: '5400' },
  },
  {
    id: 'honey',
    names: { en: 'Wildflower honey', zh: '野花蜂蜜', th: 'น้ำผึ้งดอกไม้ป่า', id: 'Madu bunga liar' },
    descriptions: { en: '250 g jar', zh: '250 克罐装', th: 'ขวด 250 กรัม', id: 'Toples 250 g' },
    emoji: '🍯',
    prices: { THB: '28000', SGD: '1100', IDR: '12000000', JPY: '1100' },
  },
];
