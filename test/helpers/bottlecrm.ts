import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort } from './ports'

const run = promisify(execFile)
const TOOLS = fileURLToPath(new URL('../../tools/bottlecrm/', import.meta.url))

/** A real BottleCRM (tools/bottlecrm/start.sh): its own database, Redis and gunicorn, stopped by stop(). */
export interface BottleCrm {
  url: string
  token: string
  /** The instance's folder (pid files, logs; tools/bottlecrm/python.sh runs scripts in it). */
  state: string
  /** BottleCRM's REST API as its own users reach it (the test plays the CRM user with it). */
  api(method: string, path: string, body?: unknown): Promise<any>
  /** Stops only the web server (the CRM is "down"); the data stays. */
  stopServer(): Promise<void>
  startServer(): Promise<void>
  stop(): Promise<void>
}

export async function startBottleCrm(options: { reps?: string[] } = {}): Promise<BottleCrm> {
  const state = await mkdtemp(join(tmpdir(), 'bottlecrm-'))
  const env = { ...process.env, BOTTLECRM_STATE: state, BOTTLECRM_PORT: String(await freePort()), BOTTLECRM_REDIS_PORT: String(await freePort()), KESSLER_CRM_REPS: (options.reps ?? []).join(',') }
  const { stdout } = await run(join(TOOLS, 'start.sh'), { env, timeout: 600_000 })
  const started = JSON.parse(stdout.trim().split('\n').at(-1)!) as { url: string; token: string }
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${started.url}/api/${path}`, {
      method,
      headers: { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`BottleCRM ${method} ${path}: ${response.status} ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }
  return {
    url: started.url,
    token: started.token,
    state,
    api,
    stopServer: async () => void (await run(join(TOOLS, 'stop.sh'), [state, '--server-only'], { env })),
    startServer: async () => void (await run(join(TOOLS, 'serve.sh'), [state], { env, timeout: 120_000 })),
    stop: async () => void (await run(join(TOOLS, 'stop.sh'), [state], { env })),
  }
}
