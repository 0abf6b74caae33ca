/**
 * A link declares its tracking tag as a query parameter: href="https://…/care?mt_tag=care-guide".
 * Why a query parameter: MJML passes href through unchanged on mj-button and on raw <a>, whereas
 * a custom attribute (data-tag) fails MJML's strict validation on mj-* components and a #fragment
 * would clash with real anchors. The renderer strips the parameter from every link, so it never
 * reaches the recipient, and hands it to trackLink as the tag.
 */
export const LINK_TAG_PARAM = 'mt_tag'

export interface LinkRewrite {
  trackLink?: (url: string, tag: string | undefined) => string
  /** Left exactly as is: wrapping the unsubscribe link in tracking is what spam filters and lawyers object to. */
  unsubscribeUrl: string
}

// Matches href on <a> only; MJML renders buttons as <a>, and only anchors are clickable in mail.
export const ANCHOR_HREF = /(<a\b[^>]*?\shref\s*=\s*)(["'])(.*?)\2/gi

/** Strips link tags from every http(s) link and routes it through trackLink, except the unsubscribe link. */
export function rewriteLinks(html: string, rewrite: LinkRewrite): string {
  return html.replace(ANCHOR_HREF, (whole, prefix: string, quote: string, value: string) => {
    const href = decodeAttribute(value)
    if (!/^https?:\/\//i.test(href) || href === rewrite.unsubscribeUrl) return whole
    const { url, tag } = takeTag(href)
    const target = rewrite.trackLink ? rewrite.trackLink(url, tag) : url
    return `${prefix}${quote}${escapeAttribute(target)}${quote}`
  })
}

/** Appends a 1×1 open-tracking image just before </body>. */
export function appendOpenPixel(html: string, pixelUrl: string): string {
  const pixel = `<img src="${escapeAttribute(pixelUrl)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0;" />`
  const end = html.lastIndexOf('</body>')
  return end === -1 ? html + pixel : html.slice(0, end) + pixel + html.slice(end)
}

/** Splits the tag parameter off a URL; string surgery rather than URL() so the rest of the URL stays byte for byte. */
export function takeTag(href: string): { url: string; tag: string | undefined } {
  const hashAt = href.indexOf('#')
  const beforeHash = hashAt === -1 ? href : href.slice(0, hashAt)
  const hash = hashAt === -1 ? '' : href.slice(hashAt)
  const queryAt = beforeHash.indexOf('?')
  if (queryAt === -1) return { url: href, tag: undefined }

  let tag: string | undefined
  const kept = beforeHash
    .slice(queryAt + 1)
    .split('&')
    .filter((pair) => {
      const [name = '', value = ''] = pair.split('=', 2)
      if (name !== LINK_TAG_PARAM) return true
      tag ??= safeDecode(value) || undefined
      return false
    })
  const query = kept.filter((pair) => pair !== '').join('&')
  return { url: beforeHash.slice(0, queryAt) + (query ? `?${query}` : '') + hash, tag }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    return value
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

// Liquid's escape and MJML both write entities into attributes; compare and rewrite the real URL.
export function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
      return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity
  })
}

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
