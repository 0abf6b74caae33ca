import { NativeConnection } from '@temporalio/worker'
import { Client, Connection } from '@temporalio/client'
import { createActivities } from '../activities'
import { createSecretBox } from '../crm/secret-box'
import { connectDatabase, surviveDatabaseOutages } from '../db/availability'
import { createTokenSigner, deriveSecret } from '../tracking/tokens'
import { createCampaignWorker, installWorkerRuntime, loadCampaignWorkflowBundle } from './campaign-worker'
import { createTemplateRenderer } from '../templates/renderer'
import { createTemplateStore } from '../templates/template-store'
import { loadConfig } from './config'
import { createRelayPool } from '../mailings/relay-pool'
import { createMailTransport } from './mail-transport'
import { relaySettlement } from './relay-receipts'

// A worker on its own, for scaling out (docker-compose runs several) and for the crash test. It needs
// the real services configured: it starts none of them.
const config = loadConfig()
installWorkerRuntime('WARN', { metricsAddress: config.temporal.metricsAddress })
surviveDatabaseOutages()
const missing = [
  ['DATABASE_URL', config.databaseUrl],
  ['TEMPORAL_ADDRESS', config.temporal.address],
  ['SMTP_URL', config.smtpUrl],
  ['APP_SECRET', config.appSecret],
  ['PUBLIC_URL', config.publicUrl],
].filter(([, value]) => !value)
if (missing.length) {
  console.error(`worker: set ${missing.map(([name]) => name).join(', ')} (a standalone worker connects to running services)`)
  process.exit(2)
}
// A send takes several round trips; a pool as wide as the SMTP pool keeps them from queueing behind each other.
const sql = connectDatabase(config.databaseUrl!, { max: 8 })
const connection = await NativeConnection.connect({ address: config.temporal.address! })
const worker = await createCampaignWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  cachedWorkflows: config.workerCachedWorkflows,
  activities: createActivities({
    sql,
    mailer: createMailTransport(config.smtpUrl!),
    renderer: createTemplateRenderer(),
    // The account's template versions (pinned by each campaign version), as the app's worker uses them.
    templateStore: createTemplateStore(sql, { publicUrl: () => config.publicUrl }),
    tokens: createTokenSigner(config.appSecret!),
    publicUrl: config.publicUrl!,
    mailDomain: config.mailDomain,
    relay: relaySettlement({ receiptsUrl: config.smtpReceiptsUrl }),
    webhookSecret: config.webhookSecret ?? deriveSecret(config.appSecret!, 'webhook'),
    // CRM sync pages and handover leads run on any worker: without these a scaled-out worker had no CRM activities.
    crmSecrets: createSecretBox(config.appSecret!),
    crmPageSize: config.crmPageSize,
    // Handover steps start handover workflows; handovers signal nurture enrolments.
    mailings: {
      relay: createRelayPool(config.smtpUrl!, config.mailings.relay),
      dkim: config.mailings.dkim,
      verpSecret: deriveSecret(config.appSecret!, 'verp'),
      relaxedSql: connectDatabase(config.databaseUrl!, { max: 2, relaxedCommit: true }),
    },
    temporal: { client: new Client({ connection: await Connection.connect({ address: config.temporal.address! }), namespace: config.temporal.namespace }), taskQueue: config.temporal.taskQueue },
  }),
  workflowBundle: config.workflowBundlePath ? await loadCampaignWorkflowBundle(config.workflowBundlePath) : undefined,
})
process.on('SIGTERM', () => worker.shutdown())
process.on('SIGINT', () => worker.shutdown())
console.log(`worker: polling task queue ${config.temporal.taskQueue}`)
await worker.run()
await connection.close()
await sql.end()
