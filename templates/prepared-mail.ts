import { compile as compileHtmlToText } from 'html-to-text'
import { ANCHOR_HREF, decodeAttribute, escapeAttribute, rewriteLinks, takeTag } from './links'

/**
 * Work moved from every recipient to the compile: the compiled HTML's static links are found, their tags
 * taken off and replaced by numbered slots, and the plain-text part is made once from the HTML with the
 * Liquid markup kept (as atomic placeholders that html-to-text cannot wrap or change). Per recipient
 * only Liquid runs on both parts and the slots get the recipient's tracked URLs: html-to-text per
 * recipient was most of a mail's rendering time.
 */
export interface PreparedMail {
  html: string
  text: string
  /** The static links, in document order: slot i holds links[i]. */
  links: { url: string; tag: string | undefined }[]
  /** Some href is built by Liquid (other than the unsubscribe link): those are tracked after Liquid ran. */
  dynamicLinks: boolean
}

// Private-use characters: they never occur in templates or contact data and contain no whitespace.
const SLOT = /\uE000(\d+)\uE001/g
const LIQUID = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g
const LIQUID_SLOT = /\uE002(\d+)\uE003/g

const toPlainText = compileHtmlToText({
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    // MJML puts each paragraph in its own div; a blank line between them keeps the text part readable.
    { selector: 'div', format: 'block', options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'ul', options: { itemPrefix: ' - ' } },
    // Upper-casing a heading would upper-case the Liquid inside it too.
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  ],
})

export function prepareMail(compiledHtml: string): PreparedMail {
  const links: PreparedMail['links'] = []
  let dynamicLinks = false
  const html = compiledHtml.replace(ANCHOR_HREF, (whole, prefix: string, quote: string, value: string) => {
    if (/\{\{|\{%/.test(value)) {
      if (!/^\{\{\s*unsubscribeUrl\s*\}\}$/.test(value.trim())) dynamicLinks = true
      return whole
    }
    const href = decodeAttribute(value)
    if (!/^https?:\/\//i.test(href)) return whole
    links.push(takeTag(href))
    return `${prefix}${quote}\uE000${links.length - 1}\uE001${quote}`
  })
  const liquid: string[] = []
  const shielded = bodyOf(html).replace(LIQUID, (markup) => `\uE002${liquid.push(markup) - 1}\uE003`)
  const text = toPlainText(shielded).replace(LIQUID_SLOT, (_, i: string) => liquid[Number(i)]!)
  return { html, text, links, dynamicLinks }
}

/** Fills the link slots of one recipient's rendered HTML and text; each link is tracked once, when it is shown. */
export function fillLinks(
  prepared: PreparedMail,
  rendered: { html: string; text: string },
  options: { trackLink?: (url: string, tag: string | undefined) => string; unsubscribeUrl: string },
): { html: string; text: string } {
  const tracked = new Map<number, string>()
  const target = (i: string) => {
    const index = Number(i)
    let url = tracked.get(index)
    if (url === undefined) {
      const link = prepared.links[index]!
      url = options.trackLink ? options.trackLink(link.url, link.tag) : link.url
      tracked.set(index, url)
    }
    return url
  }
  // Liquid-built links (href="https://shop.example/{{ contact.attributes.industry }}?mt_tag=…") first: their
  // output holds real URLs, the slots hold none yet. One tracked URL per link for both parts.
  const dynamic = new Map<string, string>()
  const trackOnce = options.trackLink && ((url: string, tag: string | undefined) => {
    const key = `${url}\u0000${tag ?? ''}`
    let target = dynamic.get(key)
    if (target === undefined) dynamic.set(key, (target = options.trackLink!(url, tag)))
    return target
  })
  const rewrite = { trackLink: trackOnce, unsubscribeUrl: options.unsubscribeUrl }
  const html = prepared.dynamicLinks ? rewriteLinks(rendered.html, rewrite) : rendered.html
  // The text part shows the same links as bare URLs: tracked and without their tag, like the HTML's.
  const text = prepared.dynamicLinks ? rendered.text.replace(TEXT_URL, (url) => rewriteTextUrl(url, rewrite)) : rendered.text
  return {
    html: html.replace(SLOT, (_, i: string) => escapeAttribute(target(i))),
    text: text.replace(SLOT, (_, i: string) => target(i)),
  }
}

const TEXT_URL = /https?:\/\/[^\s\]<>"]+/g

function rewriteTextUrl(url: string, rewrite: { trackLink?: (url: string, tag: string | undefined) => string; unsubscribeUrl: string }): string {
  if (url === rewrite.unsubscribeUrl) return url
  const { url: clean, tag } = takeTag(url)
  return rewrite.trackLink ? rewrite.trackLink(clean, tag) : clean
}

// html-to-text only reads <body> but would still parse MJML's large <head> styles.
function bodyOf(html: string): string {
  const start = html.indexOf('<body')
  return start === -1 ? html : html.slice(start)
}
