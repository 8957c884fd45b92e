// The method catalog for the console's words (display names, wallets, refund rules): asked once per
// signed-in key and shared by every page; until it answers (or if it cannot), pages show Antom's codes.
import { useEffect, useState } from 'preact/hooks';
import type { MerchantPaymentMethod } from '@paydesk/api';
import type { MerchantApi } from '../api.ts';
import type { MethodBook } from './words.ts';

const books = new WeakMap<MerchantApi, Promise<MethodBook | null>>();

function bookOf(api: MerchantApi): Promise<MethodBook | null> {
  let book = books.get(api);
  if (!book) {
    book = api.paymentMethods().then(
      (list) => new Map<string, MerchantPaymentMethod>(list.data.map((m) => [m.type, m])),
      () => {
        books.delete(api); // ask again next time
        return null;
      },
    );
    books.set(api, book);
  }
  return book;
}

export function useMethods(api: MerchantApi): MethodBook | null {
  const [book, setBook] = useState<MethodBook | null>(null);
  useEffect(() => {
    let current = true;
    void bookOf(api).then((value) => current && setBook(value));
    return () => {
      current = false;
    };
  }, [api]);
  return book;
}
