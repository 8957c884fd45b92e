// The idempotency_keys table: one row per (scope, key) while its request runs, then its kept answer.
import type { Selectable } from 'kysely';
import type { Reader } from '../db/repository.ts';
import type { DB } from '../db/schema.ts';

export type IdempotencyRow = Selectable<DB['idempotency_keys']>;

/** Claims the key for a request; fails with a unique violation when it is already taken. */
export async function insertKey(
  db: Reader,
  slot: { scope: string; key: string },
  requestHash: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({
      ...slot,
      request_hash: requestHash,
      state: 'IN_PROGRESS',
      response_status: null,
      response_body: null,
      created_at: now,
    })
    .execute();
}

export function findKey(
  db: Reader,
  slot: { scope: string; key: string },
): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', slot.scope)
    .where('key', '=', slot.key)
    .executeTakeFirst();
}

/** Takes over a key whose request never answered, if nobody else took it first (compare-and-set on its time). */
export async function takeOverKey(
  db: Reader,
  slot: { scope: string; key: string },
  createdAt: number,
  now: number,
): Promise<boolean> {
  const taken = await db
    .updateTable('idempotency_keys')
    .set({ created_at: now })
    .where('scope', '=', slot.scope)
    .where('key', '=', slot.key)
    .where('state', '=', 'IN_PROGRESS')
    .where('created_at', '=', createdAt)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

export async function keepAnswer(
  db: Reader,
  slot: { scope: string; key: string },
  status: number,
  body: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ state: 'DONE', response_status: status, response_body: body })
    .where('scope', '=', slot.scope)
    .where('key', '=', slot.key)
    .execute();
}

/** Releases a key (only while its request is still running, when `onlyInProgress`). */
export async function releaseKey(
  db: Reader,
  slot: { scope: string; key: string },
  onlyInProgress: boolean,
): Promise<void> {
  let query = db.deleteFrom('idempotency_keys').where('scope', '=', slot.scope).where('key', '=', slot.key);
  if (onlyInProgress) query = query.where('state', '=', 'IN_PROGRESS');
  await query.execute();
}
