import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { TestWorkflowEnvironment } from '@temporalio/testing'
import { freePort } from './temporal-dev-server'
import { TIME_SKIPPING_HELP } from '../engine/simulator-unavailable'

const POM = fileURLToPath(new URL('../tools/time-skipping-server/pom.xml', import.meta.url))
const CACHE = fileURLToPath(new URL('../node_modules/.cache/temporal-time-skipping-server/', import.meta.url))


/**
 * An executable that starts Temporal's Java test server on the port it is given (its first argument; time
 * skipping is then driven by the SDK's test service). Maven resolves the server's classpath once; later calls reuse it.
 */
export async function timeSkippingServerExecutable(): Promise<string> {
  const wrapper = join(CACHE, 'temporal-test-server')
  if (existsSync(wrapper)) return wrapper
  await mkdir(CACHE, { recursive: true })
  const classpathFile = join(CACHE, 'classpath.txt')
  try {
    await promisify(execFile)('mvn', ['-q', '-B', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`], { timeout: 600_000 })
    await promisify(execFile)('java', ['-version'])
  } catch (error) {
    throw new Error(`${TIME_SKIPPING_HELP} (${error instanceof Error ? error.message.split('\n')[0] : error})`)
  }
  const classpath = (await readFile(classpathFile, 'utf8')).trim()
  await writeFile(wrapper, `#!/bin/sh\nexec java -Xmx256m -cp '${classpath}' io.temporal.testserver.TestServer "$@"\n`)
  await chmod(wrapper, 0o755)
  return wrapper
}

export interface TimeSkippingServer {
  env: TestWorkflowEnvironment
  /** Closes the connections and ends the Java process. */
  stop(): Promise<void>
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => (socket.destroy(), resolve(false)))
  })

/**
 * A fresh time-skipping server (its clock starts now) and a test environment on it. We start the JVM
 * ourselves instead of through the SDK's `existing-path` option because the SDK gives the process a fixed
 * 5 s to open its port, which a JVM on a busy machine misses: simulations then failed under load.
 */
export async function startTimeSkippingServer(options: { startTimeoutMs?: number } = {}): Promise<TimeSkippingServer> {
  const executable = await timeSkippingServerExecutable()
  const port = await freePort()
  const child = spawn(executable, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let gone = false
  void exited.then(() => (gone = true))
  const kill = async () => {
    if (!gone) child.kill('SIGKILL')
    await exited
  }
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000)
  while (!(await canConnect(port))) {
    if (gone) throw new Error(`the time-skipping test server exited before it listened: ${stderr.trim() || 'no output'}`)
    if (Date.now() > deadline) {
      await kill()
      throw new Error(`the time-skipping test server did not listen on port ${port} within ${options.startTimeoutMs ?? 120_000} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  try {
    // `create` is what createTimeSkipping calls after starting the server; typed private, public in practice.
    const create = (TestWorkflowEnvironment as unknown as { create(options: object): Promise<TestWorkflowEnvironment> }).create
    const env = await create.call(TestWorkflowEnvironment, { server: { type: 'existing' }, address: `127.0.0.1:${port}`, namespace: 'default', supportsTimeSkipping: true })
    return {
      env,
      stop: async () => {
        await env.teardown().finally(kill)
      },
    }
  } catch (error) {
    await kill()
    throw error
  }
}
