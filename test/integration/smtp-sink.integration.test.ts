import { connect } from 'node:net'
import { expect, it } from 'vitest'
import { startSmtpSink } from '../../server/smtp-sink'

// A worker SIGKILLed while sending resets its SMTP connection in the middle of an envelope. The sink (npm
// start's outbox, and the topology tests' SMTP server) must take that from any number of clients: before,
// the second such reset was an uncaught 'error' event that ended the process.
it('keeps serving after clients reset their connections mid-envelope', async () => {
  const sink = await startSmtpSink({ port: 0 })
  try {
    for (let i = 0; i < 3; i++) {
      const socket = connect(sink.port, '127.0.0.1')
      await new Promise((resolve) => socket.once('data', resolve))
      const accepted = new Promise((resolve) => socket.on('data', (chunk) => chunk.toString().includes('354') && resolve(null)))
      socket.write('EHLO worker\r\nMAIL FROM:<news@kessler-hydraulik.example>\r\nRCPT TO:<kunde@example.com>\r\nDATA\r\nSubject: half\r\n\r\nhalf a mail')
      await accepted
      socket.resetAndDestroy()
      await new Promise((resolve) => socket.once('close', resolve))
    }
    const mailer = (await import('nodemailer')).default.createTransport(sink.url)
    await mailer.sendMail({ from: 'news@kessler-hydraulik.example', to: 'kunde@example.com', subject: 'whole', text: 'a whole mail', messageId: '<whole@test>' })
    expect(sink.mails().map((mail) => mail.messageId)).toEqual(['<whole@test>'])
  } finally {
    await sink.stop()
  }
})
