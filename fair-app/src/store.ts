import { openDB, type IDBPDatabase } from 'idb'
import type { CaptureInput, FairDay, SyncResult } from '../../api/contract/fairs'

// Everything the app needs at the stand lives in IndexedDB: the day prefetched at sign-in (appointments,
// visitor profiles, consent text) and every capture, stored here first with its own id and kept until the
// server has answered for it. Nothing is lost when the phone is offline, closed or restarted.

export interface Pending {
  capture: CaptureInput
  /** Who it is about, for the "waiting to sync" list. */
  label: string
  /** The server's refusal of it, shown to the rep (it stays until they change or drop it). */
  error?: string
}

interface Schema {
  day: { key: string; value: FairDay }
  outbox: { key: string; value: Pending }
  meta: { key: string; value: string }
}

let database: Promise<IDBPDatabase<Schema>> | null = null
const db = () =>
  (database ??= openDB<Schema>('kessler-fair', 1, {
    upgrade(db) {
      db.createObjectStore('day')
      db.createObjectStore('outbox')
      db.createObjectStore('meta')
    },
  }))

export const saveDay = async (day: FairDay) => (await db()).put('day', day, 'current')
export const loadDay = async () => (await db()).get('day', 'current')
export const clearDay = async () => (await db()).delete('day', 'current')

export const queue = async (pending: Pending) => (await db()).put('outbox', pending, pending.capture.id)
export const waiting = async () => (await db()).getAll('outbox')

/** This phone's id, made once: the consent proof names the device it was collected on. */
export async function deviceName(): Promise<string> {
  const store = await db()
  let id = await store.get('meta', 'device')
  if (!id) await store.put('meta', (id = crypto.randomUUID()), 'device')
  return `${id} ${navigator.userAgent}`.slice(0, 300)
}

/** The session's CSRF token is the readable cookie the server set at sign-in. */
const csrf = () => /(?:^|;\s*)kessler_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? ''

export async function api<T>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T }
}

/**
 * Sends every waiting capture, oldest first, in one batch. Each answered one leaves the outbox (stored,
 * merged, or replayed: the server had it already); a refused one stays with its reason; a network failure
 * leaves all of them for the next try. Safe to run twice at once: the server stores a capture once.
 */
export async function syncOutbox(fairId: string): Promise<SyncResult[]> {
  const pending = (await waiting()).filter((p) => !p.error)
  if (!pending.length || !navigator.onLine) return []
  const answer = await api<{ results: SyncResult[] }>(`/api/fairs/${fairId}/captures`, { captures: pending.map((p) => p.capture) })
  if (answer.status !== 200) return []
  const store = await db()
  for (const result of answer.body.results) {
    const item = pending.find((p) => p.capture.id === result.id)
    if (!item) continue
    if (result.outcome === 'rejected') await store.put('outbox', { ...item, error: result.error?.message ?? 'refused' }, result.id)
    else await store.delete('outbox', result.id)
  }
  return answer.body.results
}
