import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * CRM credentials at rest: AES-256-GCM under a key derived (HKDF-SHA256) from APP_SECRET, so a database
 * dump alone does not reveal them. Stored as "v1.<iv>.<tag>.<ciphertext>" in base64url; the account id is
 * the additional data, so a ciphertext copied to another account does not decrypt.
 */
export interface SecretBox {
  seal(plain: string, accountId: string): string
  open(sealed: string, accountId: string): string
}

export function createSecretBox(appSecret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', appSecret, 'kessler-campaigns', 'crm-credentials/v1', 32))
  return {
    seal(plain, accountId) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(accountId))
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return ['v1', iv, cipher.getAuthTag(), data].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.')
    },
    open(sealed, accountId) {
      const [version, iv, tag, data] = sealed.split('.')
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed CRM credential')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(accountId))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')
    },
  }
}
