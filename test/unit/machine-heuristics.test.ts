import { describe, expect, it } from 'vitest'
import { downloadAsset, judgeTrackingRequest, type TrackingRequest } from '../../tracking/machine'
import { pageKind } from '../../tracking/visitors'

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36'
const rules = { clickAfterDeliveryMs: 5_000, clickBurstMs: 2_000 }
const request = (overrides: Partial<TrackingRequest>): TrackingRequest => ({
  kind: 'click', method: 'GET', userAgent: CHROME, ip: '203.0.113.5', sinceDeliveryMs: 3_600_000, otherLinksClickedInBurst: 0, ...overrides,
})
const reason = (overrides: Partial<TrackingRequest>) => {
  const verdict = judgeTrackingRequest(request(overrides), rules)
  return verdict.machine ? verdict.reason : null
}

describe('machine opens and scanner clicks', () => {
  it('takes a person reading an hour after delivery for a person', () => {
    expect(reason({})).toBeNull()
    expect(reason({ kind: 'open' })).toBeNull()
  })

  it('flags privacy proxies fetching images', () => {
    expect(reason({ kind: 'open', userAgent: 'Mozilla/5.0' })).toBe('apple_mail_privacy_proxy')
    expect(reason({ kind: 'open', ip: '17.58.101.4' })).toBe('apple_mail_privacy_proxy')
    expect(reason({ kind: 'open', ip: '::ffff:17.1.2.3' })).toBe('apple_mail_privacy_proxy')
    expect(reason({ kind: 'open', ip: '171.58.101.4' })).toBeNull()
    expect(reason({ kind: 'open', userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' })).toBe('gmail_image_proxy')
  })

  it('flags scanners by how they ask and by timing', () => {
    expect(reason({ method: 'HEAD' })).toBe('head_request')
    expect(reason({ userAgent: '' })).toBe('no_user_agent')
    expect(reason({ userAgent: 'python-requests/2.31' })).toBe('scanner_user_agent')
    expect(reason({ sinceDeliveryMs: 1_200 })).toBe('clicked_within_seconds_of_delivery')
    expect(reason({ sinceDeliveryMs: 6_000 })).toBeNull()
    expect(reason({ otherLinksClickedInBurst: 2 })).toBe('clicked_many_links_at_once')
    expect(judgeTrackingRequest(request({ sinceDeliveryMs: 100, otherLinksClickedInBurst: 3 }), { clickAfterDeliveryMs: 0, clickBurstMs: 0 })).toEqual({ machine: false })
  })
})

describe('downloads and pricing pages', () => {
  it('recognises downloads by tag or file type', () => {
    expect(downloadAsset('https://x.example/files/Datenblatt%20HS2000.pdf', undefined)).toBe('Datenblatt HS2000.pdf')
    expect(downloadAsset('https://x.example/katalog', 'download-katalog')).toBe('katalog')
    expect(downloadAsset('https://x.example/katalog', 'care-guide')).toBeNull()
    expect(downloadAsset('https://x.example/pdf-guide', undefined)).toBeNull()
  })

  it('recognises pricing pages in the subsidiaries’ languages', () => {
    for (const path of ['/de/preise', '/fr/tarifs/', '/it/prezzi.html', '/es/precios', '/pricing']) expect(pageKind(path)).toBe('pricing')
    for (const path of ['/de/service', '/de/preisausschreiben', '/']) expect(pageKind(path)).toBe('page')
  })
})
