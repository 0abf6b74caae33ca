import { WorkflowNotFoundError, type Client, type Connection } from '@temporalio/client'
import { msToTs } from '@temporalio/common/lib/time'
// The proto package is CommonJS: a default import works under Node's ESM loader, a named one does not.
import proto from '@temporalio/proto'
import type { TrackedEvent } from './nodes'
import { CAMPAIGN_ID, CONTACT_ID, ENROLMENT_SEARCH_ATTRIBUTES, ENROLMENT_STEP } from './search-attributes'
import { stepAfterTrigger, trackedEventSignal, type campaignEnrolment, type EnrolmentInputV1 } from './workflows/enrolment'

/** One workflow id per campaign and contact, so Temporal itself refuses a second concurrent enrolment. */
export function enrolmentWorkflowId(campaignId: string, contactId: string): string {
  return `enrolment-${campaignId}-${contactId}`
}

/**
 * Starts the enrolment workflow, or leaves the running one alone: starting twice (an event dispatched
 * again after a crash) is not an error. A finished enrolment's id may be reused by a later one.
 * The start sets EnrolmentStep to the step after the trigger, so the run need not upsert it before its
 * first mail or wait (one visibility write per enrolment instead of three before it rests).
 */
export async function startEnrolmentWorkflow(client: Client, taskQueue: string, input: EnrolmentInputV1): Promise<string> {
  const workflowId = enrolmentWorkflowId(input.enrolment.campaignId, input.enrolment.contactId)
  const firstStep = input.carryOver ? undefined : stepAfterTrigger(input.graph)
  const handle = await client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', {
    taskQueue,
    workflowId,
    args: [firstStep ? { ...input, stepShownAtStart: firstStep } : input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    memo: { campaignId: input.enrolment.campaignId, contactId: input.enrolment.contactId, enrolmentId: input.enrolment.enrolmentId },
    typedSearchAttributes: [
      { key: CAMPAIGN_ID, value: input.enrolment.campaignId },
      { key: CONTACT_ID, value: input.enrolment.contactId },
      ...(firstStep ? [{ key: ENROLMENT_STEP, value: firstStep }] : []),
    ],
  })
  return handle.firstExecutionRunId
}

/** Hands a tracked event to a running enrolment. An enrolment that finished meanwhile no longer cares. */
export async function signalEnrolment(client: Client, workflowId: string, event: TrackedEvent): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).signal(trackedEventSignal, event)
    return true
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false
    throw error
  }
}

/**
 * Registers the namespace on a cluster that lacks it (a fresh server started by tools/temporal-server/
 * start.sh has none; the dev server and managed clusters have theirs), then waits until the frontend
 * serves it. Returns true when it registered one.
 */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays = 30): Promise<boolean> {
  const exists = async () => {
    try {
      await connection.workflowService.describeNamespace({ namespace })
      return true
    } catch (error) {
      if ((error as { code?: number }).code === grpcNotFound) return false
      throw error
    }
  }
  if (await exists()) return false
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) })
  } catch (error) {
    // Another app instance registered it at the same moment.
    if ((error as { code?: number }).code !== grpcAlreadyExists) throw error
  }
  // describeNamespace reads the store, but other calls go through each service's namespace cache, which
  // learns of the new one on its next refresh (tools/temporal-server/dynamicconfig.yaml: every second).
  for (let attempt = 0; ; attempt++) {
    try {
      await connection.operatorService.listSearchAttributes({ namespace })
      return true
    } catch (error) {
      if ((error as { code?: number }).code !== grpcNotFound || attempt >= 150) throw error
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

const grpcNotFound = 5
const grpcAlreadyExists = 6

/**
 * Registers the enrolment search attributes on a cluster that lacks them (the dev server gets them as
 * start flags). Idempotent; a cluster that refuses (no operator permission) is reported, not fatal.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace })
  const missing = ENROLMENT_SEARCH_ATTRIBUTES.filter((key) => !customAttributes?.[key.name])
  if (missing.length === 0) return []
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  })
  return missing.map((key) => key.name)
}
