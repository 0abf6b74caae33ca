import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './ports'

const run = promisify(execFile)

export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  url: string
  /** `pg_ctl restart -m fast`: what an operator does, and what killed the app (issue 10.2). */
  restart(): Promise<void>
  stop(): Promise<void>
}

/** Debian's Postgres binaries (the newest installed major version), or null when there are none. */
export function postgresBinaries(): string | null {
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return null
  const versions = readdirSync(base).filter((name) => existsSync(join(base, name, 'bin', 'initdb'))).sort((a, b) => Number(a) - Number(b))
  return versions.length ? join(base, versions.at(-1)!, 'bin') : null
}

/**
 * A throwaway Postgres cluster that this test alone controls (initdb + pg_ctl in a temp folder, on a free
 * port), because restarting the shared server would break the other test files running beside it.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinaries()
  if (!bin) throw new Error('no Postgres server binaries under /usr/lib/postgresql (apt-get install postgresql)')
  const asRoot = userInfo().uid === 0
  const dir = await mkdtemp(join(tmpdir(), 'own-postgres-'))
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    await chown(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  await chmod(dir, 0o700)
  const data = join(dir, 'data')
  const port = await freePort()
  const pg = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args)
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'])
  // fsync off: the data is thrown away; the test is about the connection going away, not durability.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`
  const ctl = (...args: string[]) => pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', ...args])
  await ctl('-o', options, 'start')
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => void (await ctl('-o', options, '-m', 'fast', 'restart')),
    stop: async () => {
      await ctl('-m', 'immediate', 'stop').catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}
