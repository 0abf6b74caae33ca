import { createHmac, timingSafeEqual } from 'node:crypto'

// VERP: every mailing mail gets its own return path, bounce+<message row id>-<signature>@<domain>, so a
// bounce names the exact mail (and contact) it is about even when the DSN says nothing useful. Lower-case
// hex only, because some servers lower-case the local part; 45 characters, under the 64 SMTP allows.
const LOCAL = /^bounce\+([0-9a-f]{32})-([0-9a-f]{10})$/

const sign = (secret: string, id: string) => createHmac('sha256', `verp:${secret}`).update(id).digest('hex').slice(0, 10)

export function verpAddress(secret: string, messageRowId: string, domain: string): string {
  const id = messageRowId.replace(/-/g, '').toLowerCase()
  return `bounce+${id}-${sign(secret, id)}@${domain}`
}

/** The message row id a return path stands for, or null for anything we did not sign (spoofed bounces count nothing). */
export function readVerpAddress(secret: string, address: string): string | null {
  const at = address.lastIndexOf('@')
  const match = LOCAL.exec((at === -1 ? address : address.slice(0, at)).toLowerCase())
  if (!match) return null
  const [, id, signature] = match as unknown as [string, string, string]
  const expected = Buffer.from(sign(secret, id))
  if (!timingSafeEqual(expected, Buffer.from(signature))) return null
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`
}
