import { describe, expect, it } from 'vitest';
import { asLang, LANGUAGES, pickLanguage, translator } from '../src/lib/i18n.ts';
import { MESSAGES } from '../src/lib/messages.ts';

describe('pickLanguage', () => {
  it('takes the first supported language among the browser preferences', () => {
    expect(pickLanguage(['de-DE', 'zh-CN', 'en'])).toBe('zh');
    expect(pickLanguage(['th-TH'])).toBe('th');
    expect(pickLanguage(['in', 'id-ID'])).toBe('id');
  });

  it('falls back to English', () => {
    expect(pickLanguage(['fr', 'de'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('narrows tags with regions or underscores', () => {
    expect(asLang('ZH_tw')).toBe('zh');
    expect(asLang('pt-BR')).toBeUndefined();
    expect(asLang(null)).toBeUndefined();
  });
});

describe('translator', () => {
  it('fills placeholders', () => {
    expect(translator('en')('payWith', { method: 'PromptPay' })).toBe('Pay with PromptPay');
    expect(translator('zh')('redirectIn', { s: 3 })).toBe('3 秒后自动跳转…');
  });

  it('leaves an unknown placeholder visible rather than empty', () => {
    expect(translator('en')('payWith')).toBe('Pay with {method}');
  });

  it('has every key in every language, with the same placeholders and list steps', () => {
    for (const [key, texts] of Object.entries(MESSAGES)) {
      expect(texts, key).toHaveLength(LANGUAGES.length);
      const [english] = texts;
      for (const [index, text] of texts.entries()) {
        const where = `${LANGUAGES[index]}.${key}`;
        expect(text.trim(), where).not.toBe('');
        expect(text.match(/\{\w+\}/g)?.sort(), `${where} placeholders`).toEqual(
          english.match(/\{\w+\}/g)?.sort(),
        );
        expect(text.split('|').length, `${where} steps`).toBe(english.split('|').length);
      }
    }
  });
});
