import { createHash } from 'node:crypto'
import type { Transporter } from 'nodemailer'
import type { Sql } from 'postgres'
import { handoverSender } from '../db/handovers'
import type { LeadDossier } from './handover-dossier'
import { loadDossier } from './handover-dossier'
import type { HandoverMailKind } from '../engine/workflows/activity-types'
export type { HandoverMailKind }

export interface HandoverMailDeps {
  sql: Sql
  mailer: Transporter
  publicUrl: string
  mailDomain: string
}

const esc = (text: unknown) => String(text ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
const nameOf = (d: LeadDossier) => [d.contact.firstName, d.contact.lastName].filter(Boolean).join(' ') || d.contact.email

function subject(kind: HandoverMailKind, d: LeadDossier): string {
  const who = `${nameOf(d)}${d.contact.company ? ` (${d.contact.company})` : ''}`
  if (kind === 'reminder') return `Reminder: lead ${who} waits for your answer`
  if (kind === 'escalation') return `Unanswered lead: ${who} (${d.rep?.name ?? 'no rep'} has not answered)`
  return `Lead handover: ${who}, ${d.cell}`
}

/** The lead dossier as a plain report: profile, scores, personas, timeline, the campaign that qualified it. */
export function dossierText(d: LeadDossier, publicUrl: string): string {
  const lines = [
    `${nameOf(d)} <${d.contact.email}>${d.contact.company ? `, ${d.contact.company}` : ''} (${d.contact.subsidiary})`,
    `Cell ${d.cell}: profile ${d.scores.profile.grade} (${d.scores.profile.points} %), activity ${d.scores.activity.level} (${d.scores.activity.points} points)`,
    `Personas: ${d.personas.map((p) => `${p.name} ${p.match} %${p.matches ? ' ✓' : ''}`).join(', ') || 'none'}`,
    `Qualified by: ${d.qualifiedBy.campaign ? `campaign “${d.qualifiedBy.campaign.name}”` : 'activity outside campaigns'} (${d.source === 'score' ? 'score' : 'handover step'})`,
    `Attributes: ${Object.entries(d.contact.attributes).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('; ') || 'none'}`,
    '',
    'Activity (newest first):',
    ...d.timeline.map((e) => `  ${e.occurredAt.slice(0, 16).replace('T', ' ')}  ${e.type}${e.properties.url ? ` ${e.properties.url}` : e.properties.path ? ` ${e.properties.path}` : ''}`),
    '',
    `Accept or reject: POST ${publicUrl}/api/handovers/${d.handoverId}/accept | /reject {"reason": "…"}`,
  ]
  return lines.join('\n')
}

/**
 * Mails the handover report (to rep and manager), the reminder (to the rep) or the escalation (to the
 * manager) over SMTP. At most once per handover, kind and recipient: the handover_mails row goes
 * sending → sent, and a retry that finds "sending" (an attempt died mid-send) records "unknown" rather
 * than mail twice. Reminders are skipped once the rep has answered. Returns whether anything was sent.
 */
export async function sendHandoverMail(deps: HandoverMailDeps, input: { handoverId: string; kind: HandoverMailKind }): Promise<{ sent: number }> {
  const dossier = await loadDossier(deps.sql, input.handoverId)
  if (!dossier) throw new Error(`handover ${input.handoverId} does not exist`)
  const status = await handoverSender(deps.sql, input.handoverId)
  if (input.kind !== 'report' && status!.status !== 'open') return { sent: 0 }
  const recipients =
    input.kind === 'report' ? [dossier.rep, dossier.manager] : input.kind === 'reminder' ? [dossier.rep] : [dossier.manager]
  let sent = 0
  for (const recipient of recipients) {
    if (!recipient) continue
    const messageId = `<handover.${input.handoverId}.${input.kind}.${createHash('sha256').update(recipient.email).digest('hex').slice(0, 12)}@${deps.mailDomain}>`
    const claimed = await deps.sql`
      insert into handover_mails (handover_id, kind, recipient, message_id) values (${input.handoverId}, ${input.kind}, ${recipient.email}, ${messageId})
      on conflict do nothing returning 1`
    if (claimed.length === 0) {
      await deps.sql`update handover_mails set status = 'unknown' where handover_id = ${input.handoverId} and kind = ${input.kind} and recipient = ${recipient.email} and status = 'sending'`
      continue
    }
    const text = dossierText(dossier, deps.publicUrl)
    try {
      await deps.mailer.sendMail({
        from: { name: `${status!.sender_name} Lead Management`, address: status!.sender_email },
        to: { name: recipient.name, address: recipient.email },
        subject: subject(input.kind, dossier),
        messageId,
        text,
        html: `<pre style="font-family: sans-serif; white-space: pre-wrap">${esc(text)}</pre>`,
        headers: { 'X-Kessler-Handover': input.handoverId },
      })
    } catch (error) {
      // Not sent (refused, or no connection): free the claim so that Temporal's retry sends it.
      await deps.sql`delete from handover_mails where handover_id = ${input.handoverId} and kind = ${input.kind} and recipient = ${recipient.email}`
      throw error
    }
    await deps.sql`update handover_mails set status = 'sent', sent_at = now() where handover_id = ${input.handoverId} and kind = ${input.kind} and recipient = ${recipient.email}`
    if (input.kind === 'reminder') await deps.sql`update handovers set reminders_sent = reminders_sent + 1 where id = ${input.handoverId}`
    if (input.kind === 'escalation') await deps.sql`update handovers set escalated_at = now() where id = ${input.handoverId}`
    sent++
  }
  return { sent }
}
