import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { issueApiToken, type Caller } from '../../api/auth'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { loadConfig, type Config } from '../../server/config'
import { startSystem, type System } from '../../server/system'
import { createTestDatabase } from './database'
import { workflowBundle } from './workflow-bundle'


export interface TestSystem extends System {
  baseUrl: string
  designerUrl: string
  config: Config
  databaseUrl: string
  /** An API token for the demo account, HQ marketer unless told otherwise. */
  token(caller?: Partial<Omit<Caller, 'exp' | 'acc'>>): string
  /** fetch against the app with the HQ marketer's token and JSON. */
  api(path: string, init?: { method?: string; body?: unknown; rawBody?: string; token?: string | null }): Promise<{ status: number; body: any }>
}

/**
 * The real product as `npm start` runs it, on a fresh database and its own Temporal task queue, with
 * every port chosen by the OS and the demo data seeded (without the example campaigns unless asked: many
 * tests count the mails seeded contacts get and rely on their attributes being empty).
 */
export async function startTestSystem(options: { runWorker?: boolean; onboarding?: CampaignGraph; seedExamples?: boolean; machineClickAfterDelivery?: string; machineClickBurst?: string; env?: Record<string, string> } = {}): Promise<TestSystem> {
  const database = await createTestDatabase()
  const config = loadConfig({
    PORT: '0',
    SMTP_SINK_PORT: '0',
    INBOUND_SMTP_PORT: '0',
    DATA_DIR: await mkdtemp(join(tmpdir(), 'campaigns-test-')),
    APP_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    RUN_WORKER: String(options.runWorker ?? true),
    // Tests click tracked links the moment the mail lands, which is what link scanners do: the timing
    // rules are off unless a test is about them.
    MACHINE_CLICK_AFTER_DELIVERY: options.machineClickAfterDelivery ?? 'off',
    MACHINE_CLICK_BURST: options.machineClickBurst ?? 'off',
    ...options.env,
  })
  let system: System
  try {
    system = await startSystem(config, { log: () => {}, workflowBundle: await workflowBundle(), demoOnboarding: options.onboarding, seedExamples: options.seedExamples ?? false })
  } catch (error) {
    await database.drop()
    throw error
  }
  const token: TestSystem['token'] = (who = {}) =>
    issueApiToken(system.tokens, { sub: 'test-marketer', role: 'marketer', subs: '*', ...who, acc: system.demoAccountId! })
  const hqToken = token()
  return {
    ...system,
    baseUrl: system.url,
    designerUrl: system.designerUrl!,
    config,
    databaseUrl: database.url,
    token,
    api: async (path, init = {}) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      const bearer = init.token === undefined ? hqToken : init.token
      if (bearer) headers.authorization = `Bearer ${bearer}`
      const response = await fetch(system.url + path, {
        method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
        headers,
        body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      })
      const text = await response.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {}
      return { status: response.status, body }
    },
    stop: async () => {
      await system.stop()
      await database.drop()
    },
  }
}
