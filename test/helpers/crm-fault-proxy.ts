import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small HTTP proxy in front of the real BottleCRM for fault tests: it logs every request, answers the
 * next ones with the statuses it is told (429 with Retry-After, 503), can hold back a request until the
 * test lets it go (to kill a worker while a page is in flight), and otherwise passes everything through
 * unchanged. The CRM behind it stays real; the proxy only plays a congested network or an overloaded CRM.
 */
export interface CrmFaultProxy {
  url: string
  /** Every request that reached the proxy, in order, with what it answered (0: held and never answered). */
  log: { method: string; path: string; status: number }[]
  /** The next requests get these answers instead of reaching the CRM. */
  failNext(faults: { status: number; retryAfterSeconds?: number }[]): void
  /** Holds the first request matching `path` until release(); resolves once one is being held. */
  hold(path: RegExp): Promise<void>
  release(): void
  stop(): Promise<void>
}

export async function startCrmFaultProxy(target: string): Promise<CrmFaultProxy> {
  const log: CrmFaultProxy['log'] = []
  const faults: { status: number; retryAfterSeconds?: number }[] = []
  let holding: { path: RegExp; caught: () => void; released: Promise<void>; release: () => void } | null = null

  const forward = async (req: IncomingMessage, res: ServerResponse, body: Buffer, entry: { status: number }) => {
    const headers: Record<string, string> = {}
    for (const name of ['authorization', 'content-type', 'accept']) if (req.headers[name]) headers[name] = String(req.headers[name])
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length ? body.toString() : undefined })
    const text = Buffer.from(await answer.arrayBuffer())
    entry.status = answer.status
    const out: Record<string, string> = { 'content-length': String(text.length) }
    for (const name of ['content-type', 'date', 'retry-after']) {
      const value = answer.headers.get(name)
      if (value) out[name] = value
    }
    res.writeHead(answer.status, out).end(text)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const entry = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0 }
      log.push(entry)
      const fault = faults.shift()
      if (fault) {
        entry.status = fault.status
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        if (fault.retryAfterSeconds) headers['retry-after'] = String(fault.retryAfterSeconds)
        return void res.writeHead(fault.status, headers).end(JSON.stringify({ detail: fault.status === 429 ? 'Request was throttled.' : 'Service unavailable' }))
      }
      const pass = () => forward(req, res, Buffer.concat(chunks), entry).catch(() => res.destroy())
      const held = holding
      if (held && held.path.test(entry.path)) {
        holding = null
        held.caught()
        // The client may be gone (its worker was killed) by the time the test lets the request go.
        return void held.released.then(() => (res.destroyed ? undefined : pass()))
      }
      void pass()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  let releaseHeld = () => {}
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    failNext: (list) => void faults.push(...list),
    hold: (path) =>
      new Promise<void>((caught) => {
        let release = () => {}
        const released = new Promise<void>((resolve) => (release = resolve))
        releaseHeld = release
        holding = { path, caught, released, release }
      }),
    release: () => releaseHeld(),
    stop: () => new Promise<void>((resolve) => { releaseHeld(); server.closeAllConnections(); server.close(() => resolve()) }),
  }
}
