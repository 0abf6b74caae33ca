import { describe, expect, it } from 'vitest'
import { DEFAULT_MAPPINGS, fieldMappingsSchema, settle } from '../../crm/mapping'
import { createSecretBox } from '../../crm/secret-box'
import { normaliseEmail, normaliseName, strongerConsent } from '../../db/duplicates'

const at = (iso: string) => new Date(iso)

describe('settling a field both sides write', () => {
  const both = (policy: 'latest' | 'prefer_crm' | 'prefer_product') => ({ direction: 'both' as const, policy })
  it('takes the side that changed when only one did', () => {
    expect(settle('company', both('prefer_product'), { value: 'Old GmbH', changedAt: null }, { value: 'New GmbH', changedAt: null }, 'Old GmbH')).toEqual({ action: 'take_crm', value: 'New GmbH' })
    expect(settle('company', both('prefer_crm'), { value: 'Ours GmbH', changedAt: null }, { value: 'Old GmbH', changedAt: null }, 'Old GmbH')).toEqual({ action: 'push_product', value: 'Ours GmbH' })
  })
  it('lets the policy decide when both changed', () => {
    const product = { value: 'Ours', changedAt: at('2026-01-02') }
    const crm = { value: 'Theirs', changedAt: at('2026-01-01') }
    expect(settle('title', both('prefer_crm'), product, crm, 'Before')).toMatchObject({ action: 'take_crm' })
    expect(settle('title', both('prefer_product'), product, crm, 'Before')).toMatchObject({ action: 'push_product' })
    expect(settle('title', both('latest'), product, crm, 'Before')).toMatchObject({ action: 'push_product' })
    expect(settle('title', both('prefer_crm'), product, { value: '', changedAt: null }, 'Before')).toMatchObject({ action: 'push_product' })
  })
  it('sends to the conflict queue what a rule cannot settle: unknown times, and e-mails changed on both sides', () => {
    expect(settle('title', both('latest'), { value: 'Ours', changedAt: null }, { value: 'Theirs', changedAt: at('2026-01-01') }, 'Before')).toEqual({ action: 'conflict' })
    expect(settle('email', both('prefer_crm'), { value: 'a@x.example', changedAt: at('2026-01-02') }, { value: 'b@x.example', changedAt: at('2026-01-01') }, 'old@x.example')).toEqual({ action: 'conflict' })
  })
  it('sees no difference in case and spacing of an e-mail', () => {
    expect(settle('email', both('latest'), { value: 'Anna@X.example ', changedAt: null }, { value: 'anna@x.example', changedAt: null }, undefined)).toEqual({ action: 'none' })
  })
  it('one-way fields go one way only', () => {
    expect(settle('city', { direction: 'from_crm', policy: 'prefer_crm' }, { value: 'Ulm', changedAt: null }, { value: '', changedAt: null }, 'Ulm')).toEqual({ action: 'none' })
    expect(settle('scoreCell', { direction: 'to_crm', policy: 'prefer_product' }, { value: 'A1', changedAt: null }, { value: 'B2', changedAt: null }, 'B2')).toEqual({ action: 'push_product', value: 'A1' })
  })
  it('refuses an unknown field and campaign knowledge flowing from the CRM, naming the field', () => {
    const bad = fieldMappingsSchema.safeParse({ ...DEFAULT_MAPPINGS, shoeSize: { direction: 'both' }, scoreCell: { direction: 'from_crm' } })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['scoreCell.direction', 'shoeSize'])
  })
})

describe('matching and merging helpers', () => {
  it('normalises e-mails and company names', () => {
    expect(normaliseEmail(' Jana.K@GoogleMail.com ')).toBe('jana.k@gmail.com')
    expect(normaliseName('Krämer Pressen GmbH')).toBe(normaliseName('kramer-pressen'))
  })
  it('keeps the stronger consent, and a revocation newer than the grant', () => {
    const granted = { consent_status: 'granted', consent_source: 'form', consent_at: at('2026-01-01') }
    const none = { consent_status: 'none', consent_source: null, consent_at: null }
    const revokedLater = { consent_status: 'revoked', consent_source: 'unsubscribe link', consent_at: at('2026-02-01') }
    const revokedEarlier = { ...revokedLater, consent_at: at('2025-12-01') }
    expect(strongerConsent(none, granted)).toBe(granted)
    expect(strongerConsent(granted, revokedLater)).toBe(revokedLater)
    expect(strongerConsent(revokedEarlier, granted)).toBe(granted)
  })
})

describe('CRM credentials at rest', () => {
  it('round-trips under the app secret, and fails for another account or another secret', () => {
    const box = createSecretBox('x'.repeat(40))
    const sealed = box.seal('bcrm_pat_secret', 'account-1')
    expect(sealed).not.toContain('bcrm_pat_secret')
    expect(box.open(sealed, 'account-1')).toBe('bcrm_pat_secret')
    expect(() => box.open(sealed, 'account-2')).toThrow()
    expect(() => createSecretBox('y'.repeat(40)).open(sealed, 'account-1')).toThrow()
  })
})
