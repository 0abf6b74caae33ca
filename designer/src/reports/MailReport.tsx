import { useEffect, useMemo, useRef, useState } from 'react'
import { Chart } from './Chart'
import { percent } from './report-charts'
import type { MailDetail, MailRow, ReportFilter, ReportsApi } from './reports-api'
import { useReportT } from './reports-i18n'
import { KindBadge } from './KindBadge'

/** Mail statistics per campaign step and template; a mail's figures over time and its click map. */
export function MailReport({ api, filter, onCsv }: { api: ReportsApi; filter: ReportFilter; onCsv(path: string, extra?: Record<string, string>): void }) {
  const { t, locale } = useReportT()
  const [mails, setMails] = useState<MailRow[] | null>(null)
  const [open, setOpen] = useState<MailRow | null>(null)
  const [next, setNext] = useState<string | null>(null)
  useEffect(() => {
    api.mail(filter).then((r) => { setMails(r.mails); setNext(r.next) }, () => setMails([]))
  }, [api, filter])
  const more = () => next && api.mail(filter, next).then((r) => { setMails((before) => [...(before ?? []), ...r.mails]); setNext(r.next) })
  return (
    <section className="reports__section" aria-label={t('mail')}>
      <h2>{t('mail')}<button type="button" className="button reports__csv" onClick={() => onCsv('reports/mail')}>{t('exportCsv')}</button></h2>
      {mails === null ? <p>{t('loading')}</p> : mails.length === 0 ? <p>{t('none')}</p> : (
        <div className="reports__table-wrap">
          <table className="reports__table" data-testid="mail-table">
            <thead><tr>
              <th>{t('campaign')}</th><th>Template</th><th>{t('sent')}</th><th>{t('delivered')}</th><th>{t('bounces')}</th><th>{t('opens')}</th><th>{t('machineOpens')}</th>
              <th>{t('clicks')}</th><th>{t('machineClicks')}</th><th>{t('unsubscribes')}</th><th>{t('complaints')}</th><th>{t('conversions')}</th>
            </tr></thead>
            <tbody>
              {mails.map((m) => (
                <tr key={`${m.mailKey}/${m.template}`} className={open?.mailKey === m.mailKey && open.template === m.template ? 'reports__row--open' : ''}>
                  <td><button type="button" className="reports__link" data-testid="mail-open" onClick={() => setOpen(m)}>{m.campaign ?? m.mailKey}{m.nodeId ? ` · ${m.nodeId}` : ''}</button>{m.mailKey.startsWith('mailing:') && <KindBadge kind="mailing" />}</td>
                  <td>{m.template}</td><td>{m.sent}</td><td>{m.delivered} ({percent(m.sent ? m.delivered / m.sent : null, locale)})</td>
                  <td>{m.hardBounces} / {m.softBounces}</td><td>{m.opens} ({m.uniqueOpens})</td><td>{m.machineOpens}</td>
                  <td>{m.clicks} ({m.uniqueClicks})</td><td>{m.machineClicks}</td><td>{m.unsubscribes}</td><td>{m.complaints}</td><td>{m.conversions}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next && <button type="button" className="button" data-testid="mail-more" onClick={() => void more()}>{t('moreMails')}</button>}
        </div>
      )}
      {open && <MailDetailView api={api} filter={filter} mail={open} onCsv={onCsv} />}
    </section>
  )
}

function MailDetailView({ api, filter, mail, onCsv }: { api: ReportsApi; filter: ReportFilter; mail: MailRow; onCsv(path: string, extra?: Record<string, string>): void }) {
  const { t } = useReportT()
  const [detail, setDetail] = useState<MailDetail | null>(null)
  const [html, setHtml] = useState<string | null>(null)
  useEffect(() => {
    api.mailDetail(filter, mail.mailKey, mail.template).then(setDetail, () => setDetail({ series: [], links: [] }))
    api.preview(mail.template, filter.subsidiary || 'DE').then((p) => setHtml(p.html), () => setHtml(null))
  }, [api, filter, mail])
  const option = useMemo(() => detail && {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 40 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value' },
    series: (['opens', 'machineOpens', 'clicks', 'machineClicks'] as const).map((key) => ({
      type: 'line', name: t(key), showSymbol: false, large: true, data: detail.series.map((p) => [p.at, p[key]]),
    })),
  }, [detail, t])
  return (
    <div className="reports__mail-detail">
      <div>
        <h3>{t('overTime')}</h3>
        {option && <Chart label={t('overTime')} option={option} height={260} />}
      </div>
      <div>
        <h3>{t('clickMap')} <button type="button" className="button reports__csv" onClick={() => onCsv('reports/mail/detail', { mailKey: mail.mailKey, template: mail.template })}>{t('exportCsv')}</button></h3>
        {html && detail ? <ClickMap html={html} links={detail.links} /> : <p>{t('loading')}</p>}
      </div>
    </div>
  )
}

/** The rendered mail with each link's human clicks on it, coloured by its share of all clicks. */
function ClickMap({ html, links }: { html: string; links: MailDetail['links'] }) {
  const { t, locale } = useReportT()
  const frame = useRef<HTMLIFrameElement>(null)
  const total = links.reduce((sum, link) => sum + link.clicks, 0)
  const annotate = () => {
    const doc = frame.current?.contentDocument
    if (!doc) return
    const byUrl = new Map(links.map((link) => [stripTracking(link.url), link]))
    doc.querySelectorAll('.click-badge').forEach((badge) => badge.remove())
    for (const anchor of Array.from(doc.querySelectorAll('a[href]'))) {
      const link = byUrl.get(stripTracking(anchor.getAttribute('href') ?? ''))
      const clicks = link?.clicks ?? 0
      const share = total ? clicks / total : 0
      const badge = doc.createElement('span')
      badge.className = 'click-badge'
      badge.setAttribute('data-clicks', String(clicks))
      badge.textContent = `${clicks} · ${percent(share, locale)}`
      badge.setAttribute('style', `display:inline-block;margin-left:4px;padding:1px 6px;border-radius:9px;font:bold 11px system-ui;color:#fff;background:hsl(${Math.round(120 - share * 120)},70%,40%)`)
      ;(anchor as HTMLElement).style.outline = `2px solid hsl(${Math.round(120 - share * 120)},70%,45%)`
      anchor.insertAdjacentElement('afterend', badge)
    }
  }
  return (
    <>
      <iframe ref={frame} className="reports__clickmap" title={t('clickMap')} data-testid="click-map" srcDoc={html} onLoad={annotate} sandbox="allow-same-origin" />
      <ul className="reports__links">
        {links.map((link) => <li key={link.url}><code>{link.url}</code>: {link.clicks} ({link.uniqueClicks}) · {t('machineClicks')}: {link.machineClicks}</li>)}
      </ul>
    </>
  )
}

/** Links in the rendered mail and in click events differ at most by tracking parameters. */
const stripTracking = (url: string) => url.replace(/[?&]utm_[^&#]*/g, '').replace(/[?#]$/, '')
