// The demo shop at `/` (S4).
import '../styles/base.css';
import '../styles/shop.css';
import '../styles/page.css';
import { render } from 'preact';
import { asLang, pickLanguage } from '../lib/lang.ts';
import { ShopApp } from './shop-app.tsx';

const lang = asLang(new URLSearchParams(location.search).get('lang')) ?? pickLanguage(navigator.languages);
render(<ShopApp initialLang={lang} />, document.getElementById('app')!);
