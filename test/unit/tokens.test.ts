import { describe, expect, it } from 'vitest'
import { createTokenSigner } from '../../tracking/tokens'

describe('signed tokens', () => {
  const tokens = createTokenSigner('a-test-secret-that-is-long-enough-0123456789')

  it('round-trips a payload', () => {
    const token = tokens.sign('click', { c: 'contact-1', u: 'https://example.com/care' })
    expect(tokens.verify('click', token)).toEqual({ c: 'contact-1', u: 'https://example.com/care' })
  })

  it('refuses a token whose payload was altered (e.g. a redirect target swapped)', () => {
    const token = tokens.sign('click', { u: 'https://example.com/care' })
    const [, signature] = token.split('.')
    const forged = `${Buffer.from(JSON.stringify({ u: 'https://evil.example' })).toString('base64url')}.${signature}`
    expect(tokens.verify('click', forged)).toBeNull()
  })

  it('refuses a token signed for another purpose or with another secret', () => {
    const click = tokens.sign('click', { c: 'x' })
    expect(tokens.verify('api', click)).toBeNull()
    expect(createTokenSigner('another-secret-that-is-long-enough-987654321').verify('click', click)).toBeNull()
    expect(tokens.verify('click', 'garbage')).toBeNull()
  })
})
