import { LOCALES } from './contract/events'

// Segment's (and RudderStack's) track, identify and batch payloads, translated into this API's events so
// that an existing source can send here unchanged. The contact is the e-mail in traits (context.traits
// for a track), properties.email, or the userId when it is an address; without one, the event is refused
// naming contact.email like any other. Nested properties are kept as JSON text.

type Message = Record<string, unknown>
const isObject = (value: unknown): value is Message => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined)
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** "Order Completed" → order_completed: Segment names events in words, this API in lower-case identifiers. */
export const eventTypeOf = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '_')
    .replace(/^[^a-z0-9]+|_+$/g, '')
    .slice(0, 64)

const KNOWN_TRAITS = new Set(['email', 'firstName', 'first_name', 'lastName', 'last_name', 'company', 'locale', 'subsidiary', 'salutation'])

function scalar(value: unknown): string | number | boolean | null {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value
  if (typeof value === 'string') return value.slice(0, 2000)
  return JSON.stringify(value)?.slice(0, 2000) ?? null
}

/** One Segment message as this API's event input (still to be validated like any other). */
export function segmentMessageToEvent(message: Message): Message {
  const contextTraits = isObject(message.context) && isObject(message.context.traits) ? message.context.traits : {}
  const traits = { ...contextTraits, ...(message.type === 'identify' && isObject(message.traits) ? message.traits : {}) }
  const properties = message.type === 'track' && isObject(message.properties) ? message.properties : {}
  const userId = text(message.userId)
  const email = text(traits.email) ?? text(properties.email) ?? (userId && EMAIL.test(userId) ? userId : undefined)
  const company = isObject(traits.company) ? text(traits.company.name) : text(traits.company)
  const locale = text(traits.locale)?.slice(0, 2).toLowerCase()
  const attributes = Object.fromEntries(Object.entries(traits).filter(([key]) => !KNOWN_TRAITS.has(key) && key.length <= 100).map(([key, value]) => [key, scalar(value)]))
  const contact = {
    email,
    firstName: text(traits.firstName) ?? text(traits.first_name),
    lastName: text(traits.lastName) ?? text(traits.last_name),
    company,
    locale: LOCALES.includes(locale as never) ? locale : undefined,
    subsidiary: text(traits.subsidiary),
    ...(Object.keys(attributes).length ? { attributes } : {}),
  }
  const timestamp = text(message.timestamp)
  return {
    ...(text(message.messageId) ? { id: text(message.messageId)!.slice(0, 200) } : {}),
    type: message.type === 'track' ? eventTypeOf(String(message.event ?? '')) : 'identify',
    contact: Object.fromEntries(Object.entries(contact).filter(([, value]) => value !== undefined)),
    properties: Object.fromEntries(Object.entries(properties).filter(([key]) => key.length >= 1 && key.length <= 100).map(([key, value]) => [key, scalar(value)])),
    ...(timestamp && !Number.isNaN(Date.parse(timestamp)) ? { occurredAt: new Date(timestamp).toISOString() } : {}),
  }
}

/** A Segment payload as this API's events: one (track, identify) or several (batch); null when the body is not Segment's. */
export function fromSegment(body: unknown): { single: Message } | { batch: unknown[] } | null {
  if (!isObject(body) || 'contact' in body || 'events' in body) return null
  if (Array.isArray(body.batch)) {
    return { batch: body.batch.map((message) => (isObject(message) && (message.type === 'track' || message.type === 'identify') ? segmentMessageToEvent(message) : message)) }
  }
  if ((body.type === 'track' && 'event' in body) || body.type === 'identify') return { single: segmentMessageToEvent(body) }
  return null
}
