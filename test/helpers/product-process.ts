import { spawn, type ChildProcess } from 'node:child_process'
import { ROOT } from './temporal-cluster'

// A product process (the app or a worker) started as docker-compose starts it, with its output kept to
// wait on. The topology tests and the benchmark's worker processes use it; it imports nothing of vitest,
// so the benchmark can.

export const APP_COMMAND = ['node', '--import', 'tsx', 'server/main.ts']
export const WORKER_COMMAND = ['node', '--import', 'tsx', 'server/worker-main.ts']

export interface ProductProcess {
  name: string
  child: ChildProcess
  /** Everything it printed so far. */
  output(): string
  /** Resolves when its output matches, rejects when it exits first or after timeoutMs. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  kill(signal?: NodeJS.Signals): Promise<void>
}

export function startProductProcess(name: string, argv: string[], env: Record<string, string>): ProductProcess {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  const listeners = new Set<() => void>()
  const take = (chunk: Buffer) => {
    text += chunk.toString()
    if (text.length > 200_000) text = text.slice(-100_000)
    for (const listener of listeners) listener()
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  child.once('exit', () => {
    for (const listener of listeners) listener()
  })
  const exited = () => child.exitCode !== null || child.signalCode !== null
  return {
    name,
    child,
    output: () => text,
    waitForOutput: (pattern, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern)
          if (match) return finish(() => resolve(match))
          if (exited()) finish(() => reject(new Error(`${name} exited (${child.signalCode ?? child.exitCode}) before printing ${pattern}:\n${text.slice(-3000)}`)))
        }
        const timer = setTimeout(() => finish(() => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${text.slice(-3000)}`))), timeoutMs)
        const finish = (settle: () => void) => {
          clearTimeout(timer)
          listeners.delete(check)
          settle()
        }
        listeners.add(check)
        check()
      }),
    kill: async (signal = 'SIGTERM') => {
      if (exited()) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await gone
      clearTimeout(timer)
    },
  }
}

