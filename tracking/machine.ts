// Which opens and clicks were made by machines rather than people. Privacy proxies fetch every image
// of a mail (Apple Mail Privacy Protection on delivery, Gmail and Yahoo through their image proxies), and
// corporate link scanners (Safe Links, Mimecast, Proofpoint …) follow links before the reader sees the mail.
// Such events are stored, flagged (events.suspected_machine) with the reason, and left out of scoring and
// behaviour branches. The rules are deliberately few and each names itself in the reason.

export interface TrackingRequest {
  kind: 'open' | 'click'
  method: string
  userAgent: string | undefined
  ip: string | undefined
  /** Milliseconds since the mail was sent, when known. */
  sinceDeliveryMs: number | null
  /** Other links of the same mail this contact clicked within the burst window. */
  otherLinksClickedInBurst: number
}

export interface MachineRules {
  clickAfterDeliveryMs: number
  clickBurstMs: number
}

export type MachineVerdict = { machine: false } | { machine: true; reason: string }

// Apple's own network (17.0.0.0/8) is where Mail Privacy Protection's prefetches come from, and its
// fetcher sends the bare "Mozilla/5.0" no real browser sends.
const APPLE_PROXY_UA = /^Mozilla\/5\.0$/
const IMAGE_PROXIES: [RegExp, string][] = [
  [/GoogleImageProxy/i, 'gmail_image_proxy'],
  [/YahooMailProxy/i, 'yahoo_image_proxy'],
]
// Scanners and scripts that name themselves. Headless browsers are not on the list: they are how
// reading is tested, and real scanners that use them are caught by the timing rules.
const SCANNER_UA = /bot\b|crawler|spider|scanner|python-requests|curl\/|wget|go-http-client|java\/|libwww|okhttp|barracuda|mimecast|proofpoint|safelinks|symantec|forcepoint|trendmicro|msoffice|microsoft office|linkcheck/i

export function isAppleProxyIp(ip: string | undefined): boolean {
  if (!ip) return false
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip
  return /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)
}

export function judgeTrackingRequest(request: TrackingRequest, rules: MachineRules): MachineVerdict {
  const ua = request.userAgent?.trim() ?? ''
  if (request.method === 'HEAD') return { machine: true, reason: 'head_request' }
  if (!ua) return { machine: true, reason: 'no_user_agent' }
  for (const [pattern, reason] of IMAGE_PROXIES) if (pattern.test(ua)) return { machine: true, reason }
  if (request.kind === 'open' && (APPLE_PROXY_UA.test(ua) || isAppleProxyIp(request.ip))) return { machine: true, reason: 'apple_mail_privacy_proxy' }
  if (SCANNER_UA.test(ua)) return { machine: true, reason: 'scanner_user_agent' }
  if (request.kind === 'click') {
    if (rules.clickAfterDeliveryMs > 0 && request.sinceDeliveryMs !== null && request.sinceDeliveryMs < rules.clickAfterDeliveryMs) {
      return { machine: true, reason: 'clicked_within_seconds_of_delivery' }
    }
    if (rules.clickBurstMs > 0 && request.otherLinksClickedInBurst > 0) return { machine: true, reason: 'clicked_many_links_at_once' }
  }
  return { machine: false }
}

// Downloads are tracked links too: a link tagged "download" (mt_tag=download or download-<name>) or one
// whose path ends in a document or CAD file extension records a `download` event beside the click.
const DOWNLOAD_TAG = /^download(?:[-:_].+)?$/i
const DOWNLOAD_EXTENSION = /\.(pdf|zip|docx?|xlsx?|pptx?|step|stp|dwg|dxf|igs|iges|epub)$/i

export function downloadAsset(url: string, tag: string | undefined): string | null {
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    return null
  }
  const last = path.split('/').pop() ?? ''
  // A link in an old mail may carry a malformed %-escape: its file name is then taken as written.
  let file = last
  try {
    file = decodeURIComponent(last)
  } catch {}
  if (tag && DOWNLOAD_TAG.test(tag)) return file || tag
  return DOWNLOAD_EXTENSION.test(path) ? file : null
}

/**
 * The file a form hands out (e.g. the e-book's PDF name), the same for every subsidiary's copy of the form:
 * campaigns filter on it ("double_opt_in_confirmed where asset = schluss-mit-antriebslosigkeit.pdf").
 */
export function formAsset(assetUrl: string | null): { asset?: string } {
  const asset = assetUrl ? downloadAsset(assetUrl, 'download') : null
  return asset ? { asset } : {}
}
