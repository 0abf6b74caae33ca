import type { PGlite } from '@electric-sql/pglite'

// PGlite is one Postgres session; pglite-socket lets several connections share it by queueing their
// protocol messages one at a time, and keeps a connection's turn only while a transaction is open. The
// extended protocol needs more: between a connection's first message (Parse, Bind, …) and its Sync the
// session holds that connection's unnamed statement and portal, and PGlite may hand back a message's
// replies only at the Flush or Sync that follows. Interleaving another connection there fails queries
// with `portal "" does not exist` or, worse, answers one connection's query with another's rows
// (electric-sql/pglite#1046, #977; test/integration/embedded-postgres.integration.test.ts shows both).
//
// This queue gives a connection the session from its first message until it is back at ReadyForQuery
// outside a transaction: after a Sync or a simple Query, or when it disconnects. Messages are still run
// one by one, exactly as pglite-socket runs them.

/** The first byte of the frontend messages after which a connection gives the session back (unless in a transaction). */
const SYNC = 0x53 // 'S'
const QUERY = 0x51 // 'Q'
const TERMINATE = 0x58 // 'X'

interface QueuedMessage {
  handlerId: number
  message: Uint8Array
  onData: (data: Uint8Array) => void
  resolve: (bytes: number) => void
  reject: (error: Error) => void
}

/** Drop-in for pglite-socket's QueryQueueManager (same methods, which its connection handlers call). */
export class SessionQueue {
  private readonly waiting: QueuedMessage[] = []
  /** The connection the session belongs to until it gives it back; null when free. */
  private owner: number | null = null
  private running = false

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject })
      void this.run()
    })
  }

  private next(): QueuedMessage | undefined {
    const index = this.owner === null ? 0 : this.waiting.findIndex((queued) => queued.handlerId === this.owner)
    return index === -1 ? undefined : this.waiting.splice(index, 1)[0]
  }

  private async run(): Promise<void> {
    if (this.running) return
    this.running = true
    try {
      // With an owner whose next message has not arrived yet, the others wait: it comes with the owner's next enqueue.
      for (let queued = this.next(); queued; queued = this.next()) {
        let bytes = 0
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(queued!.message, { onRawData: (data) => ((bytes += data.length), queued!.onData(data)) }))
        } catch (error) {
          // The session's state is unknown for this connection's batch: give the session back so the others go on.
          this.owner = null
          queued.reject(error as Error)
          continue
        }
        const kind = queued.message[0]
        const backAtReady = kind === SYNC || kind === QUERY || kind === TERMINATE
        this.owner = backAtReady && !this.db.isInTransaction() ? null : queued.handlerId
        queued.resolve(bytes)
      }
    } finally {
      this.running = false
    }
  }

  getQueueLength(): number {
    return this.waiting.length
  }

  /** A connection went away: its queued messages fail, and the session is free again. */
  clearQueueForHandler(handlerId: number): void {
    for (let index = this.waiting.length - 1; index >= 0; index--) {
      if (this.waiting[index]!.handlerId !== handlerId) continue
      this.waiting.splice(index, 1)[0]!.reject(new Error('Handler disconnected'))
    }
  }

  /** A connection went away mid-transaction or mid-batch: roll back what it left open and let the others run. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK')
    this.owner = null
    await this.run()
  }
}
