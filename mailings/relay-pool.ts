import { Readable } from 'node:stream'
import SMTPConnection from 'nodemailer/lib/smtp-connection'

/**
 * A pool of SMTP connections to one relay that respects its limits: at most `maxConnections` at once and
 * at most `perSecond` mails a second. Unlike nodemailer's pool it lets the caller hold the body back
 * (`beforeBody`): the mailing sender takes its last look at the send log and the contact's consent while
 * the relay takes the envelope, and no byte of the body leaves unless that look says so.
 */
export interface RelayLimits {
  maxConnections: number
  /** Mails per second over all connections; 0 for no limit. */
  perSecond: number
}

export interface Delivery {
  from: string
  to: string
  message: Buffer
  /**
   * Starts as this mail's SMTP transaction starts (it has a connection and its turn under the rate limit)
   * and runs while the relay answers sender and recipients; the first byte of the message goes only after
   * it resolved, and none goes if it rejects. deliver() returns only once it has finished either way.
   * Started with the envelope rather than after it, its database round trip does not hold the connection.
   */
  beforeBody?: () => Promise<void>
}

export interface DeliveryResult {
  ok: boolean
  response?: string
  error?: Error & { responseCode?: number }
  /** The whole message was handed to the connection (a later failure may still mean it arrived). */
  bodyHandedOver: boolean
}

export interface RelayPool {
  readonly limits: RelayLimits
  deliver(delivery: Delivery): Promise<DeliveryResult>
  close(): void
}

interface Slot {
  connection: SMTPConnection | null
  busy: boolean
}

export function createRelayPool(url: string, limits: RelayLimits): RelayPool {
  const target = new URL(url)
  const secure = target.protocol === 'smtps:'
  const options = {
    host: target.hostname,
    port: Number(target.port) || (secure ? 465 : 587),
    secure,
    // The local sink and test relays speak plain SMTP; a relay that offers STARTTLS gets it.
    ignoreTLS: target.searchParams.get('ignoreTLS') === 'true',
    connectionTimeout: 15_000,
    socketTimeout: 60_000,
  }
  const auth = target.username ? { user: decodeURIComponent(target.username), pass: decodeURIComponent(target.password) } : null
  const slots: Slot[] = Array.from({ length: Math.max(1, limits.maxConnections) }, () => ({ connection: null, busy: false }))
  const waiting: ((slot: Slot) => void)[] = []
  const spacing = limits.perSecond > 0 ? 1000 / limits.perSecond : 0
  let nextStart = 0
  let closed = false

  const acquire = (): Promise<Slot> => {
    const free = slots.find((slot) => !slot.busy)
    if (free) {
      free.busy = true
      return Promise.resolve(free)
    }
    return new Promise((resolve) => waiting.push(resolve))
  }
  const release = (slot: Slot) => {
    const next = waiting.shift()
    if (next) next(slot)
    else slot.busy = false
  }
  // Mails per second: each mail starts no earlier than `spacing` after the one before it.
  const throttle = async () => {
    if (!spacing) return
    const now = Date.now()
    const start = Math.max(now, nextStart)
    nextStart = start + spacing
    if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now))
  }

  const connect = (slot: Slot): Promise<SMTPConnection> =>
    new Promise((resolve, reject) => {
      const connection = new SMTPConnection(options)
      connection.once('error', reject)
      connection.on('end', () => {
        if (slot.connection === connection) slot.connection = null
      })
      connection.connect(() => {
        connection.removeListener('error', reject)
        // Errors after connecting surface through send's callback; this keeps them from being uncaught.
        connection.on('error', () => {
          if (slot.connection === connection) slot.connection = null
        })
        if (!auth) return resolve(connection)
        connection.login(auth, (error) => (error ? reject(error) : resolve(connection)))
      })
    })

  const drop = (slot: Slot) => {
    const connection = slot.connection
    slot.connection = null
    try {
      connection?.close()
    } catch {}
  }

  return {
    limits,
    async deliver(delivery) {
      if (closed) throw new Error('the relay pool is closed')
      const slot = await acquire()
      let bodyHandedOver = false
      // Settles (never rejects) once beforeBody has finished, so no mark lands after deliver() returned.
      let gateDone: Promise<unknown> = Promise.resolve()
      try {
        await throttle()
        const connection = slot.connection ?? (slot.connection = await connect(slot))
        const gate = delivery.beforeBody ? delivery.beforeBody() : Promise.resolve()
        gateDone = gate.catch(() => {})
        let started = false
        const body = new Readable({
          read() {
            if (started) return
            started = true
            gate.then(
              () => {
                this.push(delivery.message)
                this.push(null)
              },
              (error: Error) => this.destroy(error),
            )
          },
        })
        body.once('end', () => (bodyHandedOver = true))
        const response = await new Promise<string>((resolve, reject) =>
          connection.send({ from: delivery.from, to: [delivery.to] }, body, (error, info) => (error ? reject(error) : resolve(String(info.response ?? '')))),
        )
        return { ok: true, response, bodyHandedOver: true }
      } catch (error) {
        const e = error as Error & { responseCode?: number; code?: string }
        // A refused envelope leaves the session usable after RSET; anything else gets a fresh connection.
        if (slot.connection && e.responseCode && e.responseCode >= 400 && e.code !== 'ECONNECTION') {
          const connection = slot.connection
          await new Promise<void>((resolve) => connection.reset((resetError) => (resetError && drop(slot), resolve())))
        } else drop(slot)
        await gateDone
        return { ok: false, error: e, bodyHandedOver }
      } finally {
        release(slot)
      }
    },
    close() {
      closed = true
      for (const slot of slots) drop(slot)
    },
  }
}
