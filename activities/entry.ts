import { enrolmentJobActivities } from './enrolment-jobs'
import type { EntryActivityDeps } from './entry-context'
import { triggerScanActivities } from './trigger-scan'
import type { EntryActivities } from '../engine/workflows/activity-types'

/**
 * How contacts enter campaigns besides events: the trigger scans (date, inactivity, segment) and bulk
 * enrolment jobs. The worker registers them with the enrolment activities (createActivities).
 */
export function createEntryActivities(deps: EntryActivityDeps): EntryActivities {
  return { ...triggerScanActivities(deps), ...enrolmentJobActivities(deps) }
}

export type { EntryActivities }
