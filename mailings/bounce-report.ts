/**
 * What a mail that came back to the product says: a delivery status notification (RFC 3464,
 * multipart/report; report-type=delivery-status) or a complaint in the Abuse Reporting Format
 * (RFC 5965, report-type=feedback-report). Anything else (auto-replies, spam) is `other` and ignored.
 */
export type InboundReport =
  | { kind: 'bounce'; severity: 'hard' | 'soft'; recipient: string | null; status: string | null; diagnostic: string | null; originalMessageId: string | null }
  | { kind: 'complaint'; feedbackType: string; recipient: string | null; originalMessageId: string | null }
  | { kind: 'other'; subject: string }

/** "Name: value" fields of one block of a report part; continuation lines are folded in. */
function fields(block: string): Map<string, string> {
  const result = new Map<string, string>()
  let last: string | null = null
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      result.set(last, `${result.get(last)} ${line.trim()}`)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    last = line.slice(0, colon).trim().toLowerCase()
    result.set(last, line.slice(colon + 1).trim())
  }
  return result
}

// "rfc822; claire@example.com" → the address
const address = (value: string | undefined) => (value ? (value.includes(';') ? value.slice(value.indexOf(';') + 1) : value).trim().replace(/^<|>$/g, '') : null)

function messageIdIn(text: string): string | null {
  const match = /^message-id:\s*(<[^>\r\n]+>)/im.exec(text)
  return match?.[1] ?? null
}

interface Part {
  type: string
  body: string
}

/** Splits a message into its header block and body. */
function split(text: string): { headers: Map<string, string>; body: string } {
  const end = text.search(/\r?\n\r?\n/)
  const head = end === -1 ? text : text.slice(0, end)
  const body = end === -1 ? '' : text.slice(end).replace(/^\r?\n\r?\n/, '')
  return { headers: fields(head), body }
}

/**
 * The parts of a multipart/report (one level, as RFC 3464 and 5965 lay them out). Read by hand:
 * mail parsers fold message/delivery-status into the text and unpack message/rfc822, losing the parts.
 */
function reportParts(raw: string): { reportType: string | null; parts: Part[] } {
  const { headers, body } = split(raw)
  const contentType = headers.get('content-type') ?? ''
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1]
  if (!/multipart\/report/i.test(contentType) || !boundary) return { reportType: null, parts: [] }
  const reportType = /report-type="?([\w-]+)"?/i.exec(contentType)?.[1]?.toLowerCase() ?? null
  const chunks = body.split(`--${boundary}`).slice(1)
  const parts = chunks
    .filter((chunk) => !chunk.startsWith('--'))
    .map((chunk) => {
      const part = split(chunk.replace(/^\r?\n/, ''))
      const type = (part.headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase()
      const encoding = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase()
      return { type, body: encoding === 'base64' ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8') : part.body }
    })
  return { reportType, parts }
}

export async function readInboundReport(raw: Buffer | string): Promise<InboundReport> {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8')
  const { reportType, parts } = reportParts(text)
  const partOf = (...types: string[]) => parts.find((part) => types.includes(part.type))?.body ?? null
  const original = partOf('message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global', 'message/global-headers')
  const originalMessageId = original ? messageIdIn(original) : null

  const feedback = partOf('message/feedback-report')
  if (reportType === 'feedback-report' && feedback) {
    const report = fields(feedback)
    return {
      kind: 'complaint',
      feedbackType: report.get('feedback-type') ?? 'abuse',
      recipient: address(report.get('original-rcpt-to')),
      originalMessageId,
    }
  }

  const status = partOf('message/delivery-status', 'message/global-delivery-status')
  if (reportType === 'delivery-status' && status) {
    // The first block is per message, the others per recipient: take the first recipient that failed or is delayed.
    const blocks = status.split(/\r?\n\s*\r?\n/).map(fields).slice(1)
    const recipient = blocks.find((block) => /failed|delayed/i.test(block.get('action') ?? ''))
    if (recipient) {
      const code = /\b([245])\.\d{1,3}\.\d{1,3}\b/.exec(recipient.get('status') ?? '')?.[0] ?? null
      // Permanent (5.x.x, or "failed" without a code) is hard; transient (4.x.x, "delayed") is soft.
      const severity = code ? (code.startsWith('5') ? 'hard' : 'soft') : /failed/i.test(recipient.get('action') ?? '') ? 'hard' : 'soft'
      return {
        kind: 'bounce',
        severity,
        recipient: address(recipient.get('final-recipient') ?? recipient.get('original-recipient')),
        status: code,
        diagnostic: recipient.get('diagnostic-code') ?? null,
        originalMessageId,
      }
    }
  }
  return { kind: 'other', subject: split(text).headers.get('subject') ?? '' }
}
