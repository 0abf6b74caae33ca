import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createWriteStream, existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Connection } from '@temporalio/client'
import postgres from 'postgres'
import { createServer } from 'node:net'

// The production topology's Temporal: the real server (go.temporal.io/server, built by
// tools/temporal-server/build.sh into a cache outside the repo), PostgreSQL persistence in a database pair
// of its own on the Postgres that DATABASE_URL names, started through tools/temporal-server/start.sh with
// the module's templated config, exactly as docker-compose.yml starts it.

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TOOLS = join(ROOT, 'tools/temporal-server')
export const TEMPORAL_SERVER_VERSION = readFileSync(join(TOOLS, 'VERSION'), 'utf8').trim()
/** The command docker-compose.yml's temporal service runs (relative to the repo / image root). */
export const TEMPORAL_START_COMMAND = ['tools/temporal-server/start.sh']

/** Where build.sh caches this version's binaries, or null when it has not built them yet. */
export function temporalServerHome(): string | null {
  const home = join(process.env.KESSLER_CACHE ?? join(homedir(), '.cache/kessler'), `temporal-server-${TEMPORAL_SERVER_VERSION}`)
  return existsSync(join(home, 'temporal-server')) && existsSync(join(home, 'temporal-sql-tool')) ? home : null
}

/**
 * Whether the topology tests can run. CI (`.ci/run`) builds the server before `npm test`, so there a
 * missing build is a failure; on a developer's machine without it the tests are skipped with this reason.
 */
export function topologyUnavailable(): string | null {
  if (!process.env.DATABASE_URL) return 'the production topology needs a Postgres server (DATABASE_URL)'
  if (temporalServerHome()) return null
  const reason = `the Temporal server ${TEMPORAL_SERVER_VERSION} is not built: run tools/temporal-server/build.sh (about 11 minutes once)`
  if (process.env.CI) throw new Error(`${reason}; .ci/run should have built it`)
  return reason
}

/** The variables start.sh gets here and in docker-compose.yml's temporal service. */
export const TEMPORAL_VARIABLES = ['DB', 'POSTGRES_SEEDS', 'DB_PORT', 'POSTGRES_PORT', 'POSTGRES_USER', 'POSTGRES_PWD', 'DBNAME', 'VISIBILITY_DBNAME', 'BIND_ON_IP', 'FRONTEND_GRPC_PORT'] as const
/** Set only here: the other services' ports (compose keeps the defaults inside the container) and a quieter log. */
export const TEMPORAL_TEST_ONLY_VARIABLES = ['FRONTEND_HTTP_PORT', 'FRONTEND_MEMBERSHIP_PORT', 'HISTORY_GRPC_PORT', 'HISTORY_MEMBERSHIP_PORT', 'MATCHING_GRPC_PORT', 'MATCHING_MEMBERSHIP_PORT', 'WORKER_GRPC_PORT', 'WORKER_MEMBERSHIP_PORT', 'LOG_LEVEL']

export interface TemporalCluster {
  address: string
  /** The variables start.sh got: what docker-compose.yml's temporal service sets too. */
  env: Record<string, string>
  /** The server's log (JSON lines), for a failing test's message. */
  logTail(lines?: number): Promise<string>
  /** Stops the server (SIGTERM, SIGKILL after 15 s) and starts it again on the same databases and ports. */
  restart(): Promise<void>
  /** Stops the server and drops its databases. */
  stop(): Promise<void>
}

export async function startTemporalCluster(): Promise<TemporalCluster> {
  const home = temporalServerHome()
  if (!home) throw new Error(`the Temporal server ${TEMPORAL_SERVER_VERSION} is not built (tools/temporal-server/build.sh)`)
  const serverUrl = new URL(process.env.DATABASE_URL!)
  const id = randomUUID().replace(/-/g, '').slice(0, 12)
  const ports: Record<string, string> = {}
  for (const name of ['FRONTEND_GRPC_PORT', ...TEMPORAL_TEST_ONLY_VARIABLES.filter((name) => name.endsWith('_PORT'))]) ports[name] = String(await freeLowPort())
  const env: Record<(typeof TEMPORAL_VARIABLES)[number], string> & Record<string, string> = {
    DB: 'postgres12',
    POSTGRES_SEEDS: serverUrl.hostname,
    DB_PORT: serverUrl.port || '5432',
    POSTGRES_PORT: serverUrl.port || '5432',
    POSTGRES_USER: decodeURIComponent(serverUrl.username),
    POSTGRES_PWD: decodeURIComponent(serverUrl.password),
    DBNAME: `temporal_${id}`,
    VISIBILITY_DBNAME: `temporal_visibility_${id}`,
    BIND_ON_IP: '127.0.0.1',
    LOG_LEVEL: 'warn',
    FRONTEND_GRPC_PORT: ports.FRONTEND_GRPC_PORT!,
    ...ports,
  }
  const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`
  const logPath = join(tmpdir(), `temporal-server-${id}.log`)
  const log = createWriteStream(logPath, { flags: 'a' })
  let child: ChildProcess | null = null

  const start = async () => {
    const started = spawn('bash', [join(ROOT, TEMPORAL_START_COMMAND[0]!)], {
      cwd: ROOT,
      env: { ...process.env, ...env, TEMPORAL_SERVER_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    started.stdout!.pipe(log, { end: false })
    started.stderr!.pipe(log, { end: false })
    child = started
    let exited: string | null = null
    started.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`))
    // Ready when the frontend answers for the system namespace (schema setup and ring join come first).
    for (let attempt = 0; attempt < 300; attempt++) {
      if (exited) throw new Error(`the Temporal server ${exited} before it was ready:\n${await tail(logPath, 30)}`)
      try {
        const connection = await Connection.connect({ address, connectTimeout: 1_000 })
        try {
          await connection.workflowService.describeNamespace({ namespace: 'temporal-system' })
          return
        } finally {
          await connection.close()
        }
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
    throw new Error(`the Temporal server did not answer on ${address} within a minute:\n${await tail(logPath, 30)}`)
  }

  const halt = async () => {
    const running = child
    child = null
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  }

  await start()
  return {
    address,
    env,
    logTail: (lines = 30) => tail(logPath, lines),
    restart: async () => {
      await halt()
      await start()
    },
    stop: async () => {
      await halt()
      log.end()
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} })
      try {
        for (const name of [env.DBNAME, env.VISIBILITY_DBNAME]) await admin.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await admin.end()
      }
    },
  }
}

async function tail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '')
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}

/**
 * A free port below 32768: Temporal stores membership ports in a smallint column, and the OS hands out
 * ephemeral ports above that, so ports are drawn at random from 20000-32767 and tried.
 */
async function freeLowPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768)
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (free) return port
  }
  throw new Error('no free port below 32768 in 50 tries')
}
