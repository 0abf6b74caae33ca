import type { Sql } from 'postgres'
import { insertApiKey, type ApiKeyRow } from '../db/api-keys'
import type { Role } from '../api/permissions'
import { newApiKey } from './secrets'

/** A new API key for the account: the key (shown once) and its stored row. Used by the admin route, the demo and tests. */
export async function issueApiKey(
  sql: Sql,
  spec: { accountId: string; name: string; role: Role; subsidiaries: '*' | string[]; createdBy: string },
): Promise<{ key: string; row: ApiKeyRow }> {
  const fresh = newApiKey()
  const row = await insertApiKey(sql, {
    accountId: spec.accountId,
    name: spec.name,
    hash: fresh.hash,
    prefix: fresh.prefix,
    role: spec.role,
    allSubsidiaries: spec.subsidiaries === '*',
    subsidiaryCodes: spec.subsidiaries === '*' ? [] : spec.subsidiaries,
    createdBy: spec.createdBy,
  })
  return { key: fresh.key, row }
}
