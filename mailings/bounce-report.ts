import { simpleParser, type ParsedMail } from 'mailparser'

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

function partText(mail: ParsedMail, types: string[]): string | null {
  const part = mail.attachments.find((attachment) => types.includes(attachment.contentType.toLowerCase()))
  return part ? part.content.toString('utf8') : null
}

export async function readInboundReport(raw: Buffer | string): Promise<InboundReport> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true })
  const original = partText(mail, ['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global', 'message/global-headers'])
  const originalMessageId = original ? messageIdIn(original) : null

  const feedback = partText(mail, ['message/feedback-report'])
  if (feedback) {
    const report = fields(feedback)
    return {
      kind: 'complaint',
      feedbackType: report.get('feedback-type') ?? 'abuse',
      recipient: address(report.get('original-rcpt-to')),
      originalMessageId,
    }
  }

  const status = partText(mail, ['message/delivery-status', 'message/global-delivery-status'])
  if (status) {
    // The first block is per message, the others per recipient: take the first recipient that failed or is delayed.
    const blocks = status.split(/\r?\n\s*\r?\n/).map(fields).slice(1)
    const recipient = blocks.find((block) => /failed|delayed/i.test(block.get('action') ?? '')) ?? blocks[0]
    if (recipient && /failed|delayed/i.test(recipient.get('action') ?? '')) {
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
  return { kind: 'other', subject: mail.subject ?? '' }
}
