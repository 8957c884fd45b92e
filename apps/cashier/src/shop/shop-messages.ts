// The demo shop's own words (the cashier's are in lib/messages/), in four languages; the shop is a demo,
// so the cashier's other languages fall back to English here.
import type { Lang } from '../lib/lang.ts';

const en = {
  store: 'Paydesk Demo Store',
  tagline: 'Teas and tea things, shipped across Asia.',
  region: 'Ship to',
  language: 'Language',
  add: 'Add to cart',
  added: 'In cart',
  cart: 'Your cart',
  empty: 'Your cart is empty. Add something you like.',
  total: 'Total',
  placeOrder: 'Place order',
  placing: 'Placing order…',
  less: 'One less {name}',
  more: 'One more {name}',
  demo: 'A demo store on the Paydesk sandbox: no real money moves. Pay with the sandbox wallet.',
  failed: 'The order could not be placed. Please try again.',
  loadFailed: 'The store could not be loaded.',
  retry: 'Try again',
};
type ShopKey = keyof typeof en;

const zh: Record<ShopKey, string> = {
  store: 'Paydesk 演示商店',
  tagline: '茶叶与茶具，发往亚洲各地。',
  region: '配送至',
  language: '语言',
  add: '加入购物车',
  added: '已在购物车',
  cart: '购物车',
  empty: '购物车是空的，挑一件喜欢的吧。',
  total: '合计',
  placeOrder: '确认下单',
  placing: '正在下单…',
  less: '减少一件{name}',
  more: '增加一件{name}',
  demo: '这是 Paydesk 沙箱上的演示商店，不会产生真实扣款。请使用沙箱钱包付款。',
  failed: '下单失败，请重试。',
  loadFailed: '商店加载失败。',
  retry: '重试',
};

const th: Record<ShopKey, string> = {
  store: 'ร้านเดโม Paydesk',
  tagline: 'ชาและอุปกรณ์ชงชา จัดส่งทั่วเอเชีย',
  region: 'จัดส่งไปที่',
  language: 'ภาษา',
  add: 'ใส่ตะกร้า',
  added: 'อยู่ในตะกร้า',
  cart: 'ตะกร้าของคุณ',
  empty: 'ตะกร้ายังว่างอยู่ เลือกสินค้าที่ชอบได้เลย',
  total: 'ยอดรวม',
  placeOrder: 'สั่งซื้อ',
  placing: 'กำลังสั่งซื้อ…',
  less: 'ลด {name} หนึ่งชิ้น',
  more: 'เพิ่ม {name} หนึ่งชิ้น',
  demo: 'ร้านเดโมบนแซนด์บ็อกซ์ของ Paydesk ไม่มีการเก็บเงินจริง ชำระด้วยกระเป๋าเงินแซนด์บ็อกซ์',
  failed: 'สั่งซื้อไม่สำเร็จ โปรดลองอีกครั้ง',
  loadFailed: 'โหลดร้านค้าไม่สำเร็จ',
  retry: 'ลองอีกครั้ง',
};

const id: Record<ShopKey, string> = {
  store: 'Toko Demo Paydesk',
  tagline: 'Teh dan perlengkapan teh, dikirim ke seluruh Asia.',
  region: 'Kirim ke',
  language: 'Bahasa',
  add: 'Tambah ke keranjang',
  added: 'Di keranjang',
  cart: 'Keranjang Anda',
  empty: 'Keranjang Anda kosong. Tambahkan yang Anda suka.',
  total: 'Total',
  placeOrder: 'Buat pesanan',
  placing: 'Membuat pesanan…',
  less: 'Kurangi satu {name}',
  more: 'Tambah satu {name}',
  demo: 'Toko demo di sandbox Paydesk: tidak ada uang sungguhan. Bayar dengan dompet sandbox.',
  failed: 'Pesanan tidak dapat dibuat. Silakan coba lagi.',
  loadFailed: 'Toko tidak dapat dimuat.',
  retry: 'Coba lagi',
};

const TABLES: Partial<Record<Lang, Record<ShopKey, string>>> = { en, zh, th, id };

/** The shop's lookup for one language, with `{name}` placeholders. */
export function shopText(lang: Lang) {
  return (key: ShopKey, params: Record<string, string> = {}) =>
    (TABLES[lang] ?? en)[key].replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
