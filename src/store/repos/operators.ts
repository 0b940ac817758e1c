import { type OperatorId, storedId } from '../../core/ids.js';
import type { Db } from '../schema.js';
import type { OperatorsTable } from '../tables/accounts.js';
import { emailKey } from './merchants.js';

export interface Operator {
  id: OperatorId;
  email: string;
  createdAt: number;
}

export async function insertOperator(db: Db, row: OperatorsTable): Promise<void> {
  await db.insertInto('operators').values(row).execute();
}

export async function findOperator(db: Db, id: OperatorId): Promise<Operator | undefined> {
  const r = await db.selectFrom('operators').select(['id', 'email', 'created_at']).where('id', '=', id).executeTakeFirst();
  return r && { id: storedId('operator', r.id), email: r.email, createdAt: Number(r.created_at) };
}

export async function findOperatorByEmail(db: Db, email: string): Promise<Operator | undefined> {
  const r = await db
    .selectFrom('operators')
    .select(['id', 'email', 'created_at'])
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
  return r && { id: storedId('operator', r.id), email: r.email, createdAt: Number(r.created_at) };
}
