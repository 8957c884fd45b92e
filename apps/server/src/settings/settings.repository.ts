// The settings table: a few values kept by the server itself (the digest of the Merchant API key when it
// generated one).
import type { Reader } from '../db/repository.ts';

export async function readSetting(db: Reader, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

/** Stores `value` unless the key already has one; returns the value that is stored now (first writer wins). */
export async function writeSettingOnce(db: Reader, key: string, value: string): Promise<string> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const stored = await readSetting(db, key);
  if (stored === undefined) throw new Error(`setting ${key} vanished`);
  return stored;
}

export async function deleteSetting(db: Reader, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}
