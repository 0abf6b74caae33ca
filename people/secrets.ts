import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// Passwords, session tokens and API keys. Passwords are hashed with scrypt (memory-hard: 32 MiB per hash
// with N = 2^15, r = 8), each with its own salt; the parameters travel in the stored string so they can be
// raised later without invalidating old hashes. Session tokens and API keys are 256 random bits, so a
// plain SHA-256 of them is enough to store: nobody can guess their way back from it.

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 }
const KEY_LENGTH = 32

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scryptAsync(password, salt, SCRYPT)
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = (stored ?? '').split('$')
  if (scheme !== 'scrypt' || !salt || !hash) {
    // Spend the same time as a real check, so the answer does not tell whether the address has a password.
    await scryptAsync(password, Buffer.alloc(16), SCRYPT)
    return false
  }
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** What a password must be: long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'at least 10 characters'
  if (password.length > 200) return 'at most 200 characters'
  return null
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url')
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** A new API key: "kc_" marks it as ours (secret scanners can find leaked ones), then 256 random bits. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `kc_${randomToken(32)}`
  return { key, prefix: key.slice(0, 10), hash: sha256(key) }
}
