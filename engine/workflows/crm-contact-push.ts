import { proxyActivities } from '@temporalio/workflow'
import type { CrmContactPushActivities } from './activity-types'

export interface CrmContactPushInputV1 {
  accountId: string
  contactIds: string[]
  /** Longest wait between retries while the CRM is down (tests shorten it). */
  maxRetryInterval?: string
}

/**
 * Pushes a few contacts to the account's CRM now (the on-demand outbound sync, e.g. a visitor captured at
 * the fair's stand), instead of with the next scheduled sync. While the CRM is down or answers 429/5xx the
 * push retries with backoff for up to a day; a refusal is final. Side effects: CRM contacts and their links;
 * idempotent per contact (a second push finds the link, or the CRM's record by e-mail, and makes no second).
 */
export async function crmContactPush(input: CrmContactPushInputV1): Promise<{ created: number; updated: number; unchanged: number }> {
  const { pushContactsToCrm } = proxyActivities<CrmContactPushActivities>({
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '1 day',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: input.maxRetryInterval ?? '2 minutes', nonRetryableErrorTypes: ['CrmRefused'] },
  })
  return pushContactsToCrm({ accountId: input.accountId, contactIds: input.contactIds })
}
