// What a buyer can do with a code besides paying it now (S13, D15): save it as a picture, or put a
// reminder in their calendar. Loaded on the first click only, so the page does not carry it otherwise.
export { reminderIcs } from '../lib/calendar.ts';
export { download, saveQrPng, saveTextCodePng } from './qr-draw.ts';
