import nodemailer from 'nodemailer'

// Real delivery status notifications (RFC 3464) and complaint reports (RFC 5965), as a receiving
// server or a mailbox provider's feedback loop sends them, delivered over SMTP.

export function deliveryStatusNotification(input: { to: string; recipient: string; status: string; action?: 'failed' | 'delayed'; originalMessageId: string }): string {
  const action = input.action ?? (input.status.startsWith('5') ? 'failed' : 'delayed')
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.receiver.example>',
    `To: <${input.to}>`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"',
    '',
    '--dsn-boundary',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is the mail system at host mx.receiver.example. Your message could not be delivered.',
    '',
    '--dsn-boundary',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.receiver.example',
    'Arrival-Date: Thu, 3 Dec 2026 10:00:00 +0100',
    '',
    `Final-Recipient: rfc822; ${input.recipient}`,
    `Original-Recipient: rfc822; ${input.recipient}`,
    `Action: ${action}`,
    `Status: ${input.status}`,
    `Diagnostic-Code: smtp; ${input.status.startsWith('5') ? '550' : '452'} ${input.status} ${input.status.startsWith('5') ? 'User unknown' : 'Mailbox full'}`,
    '',
    '--dsn-boundary',
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${input.originalMessageId}`,
    `To: ${input.recipient}`,
    'Subject: (the original subject)',
    '',
    '--dsn-boundary--',
    '',
  ].join('\r\n')
}

export function abuseReport(input: { to: string; recipient: string; originalMessageId: string }): string {
  return [
    'From: Feedback Loop <fbl@mailbox-provider.example>',
    `To: <${input.to}>`,
    'Subject: Complaint about message from 192.0.2.1',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf-boundary"',
    '',
    '--arf-boundary',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.1.',
    '',
    '--arf-boundary',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: SomeGenerator/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${input.recipient}`,
    'Source-IP: 192.0.2.1',
    '',
    '--arf-boundary',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    'From: <news@fr.kessler-hydraulik.example>',
    `To: <${input.recipient}>`,
    `Message-ID: ${input.originalMessageId}`,
    'Subject: (the original subject)',
    '',
    'The original body.',
    '',
    '--arf-boundary--',
    '',
  ].join('\r\n')
}

/** Delivers a report over SMTP with the null sender, as bounces are sent. */
export async function deliverReport(port: number, to: string, raw: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
  try {
    await transport.sendMail({ envelope: { from: '', to: [to] }, raw })
  } finally {
    transport.close()
  }
}
