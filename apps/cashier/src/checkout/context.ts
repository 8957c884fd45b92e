// What every part of the cashier needs: words, language, the API, the terminal, and the server clock.
import { createContext } from 'preact';
import type { TerminalType } from '@paydesk/api';
import type { CheckoutApi } from '../api.ts';
import type { Lang, Translate } from '../lib/i18n.ts';

export interface CheckoutContextValue {
  t: Translate;
  lang: Lang;
  api: CheckoutApi;
  terminal: TerminalType;
  /** Milliseconds left until an ISO deadline on the server clock (re-rendered every second). */
  left(deadlineIso: string): number;
}

export const CheckoutContext = createContext<CheckoutContextValue>(null as unknown as CheckoutContextValue);
