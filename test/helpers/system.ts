import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import type { Role } from '../../api/permissions'
import { issueApiKey } from '../../people/api-keys'
import type { CampaignGraph } from '../../engine/campaign/graph'
import type { FairFollowUpOptions } from '../../engine/examples/fair-follow-up'
import { loadConfig, type Config } from '../../server/config'
import { startSystem, type System } from '../../server/system'
import { DEMO_PASSWORD } from '../../server/seed-people'
import { createTestDatabase } from './database'
import { workflowBundle } from './workflow-bundle'


export interface TestSystem extends System {
  baseUrl: string
  designerUrl: string
  config: Config
  databaseUrl: string
  /**
   * A real API key for the demo account (stored hashed, like an admin's), HQ marketer unless told
   * otherwise. `sub` names the key (what "published by" and "decided by" record). The roles of before
   * issue 14 still read: marketer (HQ with "*", else subsidiary marketer), sales (rep), manager.
   */
  token(caller?: { sub?: string; role?: Role | LegacyRole; subs?: string[] | '*' }): Promise<string>
  /** A browser-style session for a demo user: its cookie header and CSRF token. */
  signIn(email: string, password?: string): Promise<{ cookie: string; csrf: string; me: any }>
  /** fetch against the app with JSON, as the HQ marketer's token, another token, or a signed-in session (cookie and CSRF token). */
  api(path: string, init?: { method?: string; body?: unknown; rawBody?: string; token?: string | Promise<string> | null; session?: { cookie: string; csrf: string } }): Promise<{ status: number; body: any }>
}

/**
 * The real product as `npm start` runs it, on a fresh database and its own Temporal task queue, with
 * every port chosen by the OS and the demo data seeded (without the example campaigns unless asked: many
 * tests count the mails seeded contacts get and rely on their attributes being empty).
 */
export async function startTestSystem(options: { runWorker?: boolean; onboarding?: CampaignGraph; seedExamples?: boolean; machineClickAfterDelivery?: string; machineClickBurst?: string; env?: Record<string, string>; seedFair?: boolean; fairFollowUp?: FairFollowUpOptions } = {}): Promise<TestSystem> {
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
    system = await startSystem(config, { log: () => {}, workflowBundle: await workflowBundle(), demoOnboarding: options.onboarding, seedExamples: options.seedExamples ?? false, seedFair: options.seedFair ?? false, fairFollowUp: options.fairFollowUp })
  } catch (error) {
    await database.drop()
    throw error
  }
  const token: TestSystem['token'] = async (who = {}) => {
    const subs = who.subs ?? '*'
    const role = modernRole(who.role ?? 'marketer', subs)
    return (await issueApiKey(system.sql, { accountId: system.demoAccountId!, name: who.sub ?? 'test-marketer', role, subsidiaries: subs, createdBy: 'test' })).key
  }
  const hqToken = await token()
  const signIn: TestSystem['signIn'] = async (email, password = DEMO_PASSWORD) => {
    const response = await fetch(`${system.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
    const me = await response.json()
    if (response.status !== 200) throw new Error(`sign-in of ${email} answered ${response.status}: ${JSON.stringify(me)}`)
    const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]!)
    return { cookie: cookies.join('; '), csrf: me.csrfToken, me }
  }
  return {
    ...system,
    baseUrl: system.url,
    // The designer opened with an API key in the fragment (as scripts and kiosks may), so browser tests
    // that are not about signing in start where they always did.
    designerUrl: `${system.url}/#token=${hqToken}`,
    config,
    databaseUrl: database.url,
    token,
    signIn,
    api: async (path, init = {}) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (init.session) {
        headers.cookie = init.session.cookie
        headers['x-csrf-token'] = init.session.csrf
      } else {
        const bearer = init.token === undefined ? hqToken : await init.token
        if (bearer) headers.authorization = `Bearer ${bearer}`
      }
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

type LegacyRole = 'marketer' | 'sales' | 'manager'

function modernRole(role: Role | LegacyRole, subs: string[] | '*'): Role {
  if (role === 'marketer') return subs === '*' ? 'hq_marketer' : 'subsidiary_marketer'
  if (role === 'sales') return 'sales_rep'
  if (role === 'manager') return 'sales_manager'
  return role
}
