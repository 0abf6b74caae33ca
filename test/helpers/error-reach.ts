import { ROLES, type Role } from '../../api/permissions'
import { PERMISSIONS } from '../../api/permissions'

// "Every documented error code is reachable": which (operation, status, code) triples the OpenAPI
// document declares, which ones were observed (schemathesis' HAR report, the probes below, a test's own
// scenarios), and the mechanism probes every operation gets: no credentials (401), a role the
// permission table refuses (403), and the body failures the JSON parser answers (400 invalid_json,
// 413 too_large, 415 unsupported_encoding).

export interface Operation {
  id: string
  method: string
  /** /api/campaigns/{id} */
  path: string
  permission?: string
  hasBody: boolean
  pattern: RegExp
  params: number
  /** "400 invalid_input" → declared; 4xx only (5xx are not the caller's to reach). */
  declared: Set<string>
}

type Json = Record<string, any>

export function operations(document: Json): Operation[] {
  const out: Operation[] = []
  for (const [path, methods] of Object.entries<Json>(document.paths)) {
    for (const [method, op] of Object.entries<Json>(methods)) {
      const declared = new Set<string>()
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        if (Number(status) < 400 || Number(status) >= 500) continue
        const schema = response.content['application/json'].schema
        // The error body is the member whose code is an enum (a declared body of the same status may hold an `error` too).
        const error = ((schema.anyOf ?? [schema]) as Json[]).find((s) => Array.isArray(s.properties?.error?.properties?.code?.enum))
        for (const code of (error?.properties.error.properties.code.enum ?? []) as string[]) declared.add(`${status} ${code}`)
      }
      const pattern = new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`)
      out.push({ id: op.operationId, method: method.toUpperCase(), path, permission: op['x-permission'], hasBody: Boolean(op.requestBody), pattern, params: (path.match(/\{/g) ?? []).length, declared })
    }
  }
  // Literal segments beat parameters (/templates/overview before /templates/{kind}/{key}), as the router does.
  return out.sort((a, b) => a.params - b.params)
}

export class Observed {
  readonly seen = new Map<string, Set<string>>()
  constructor(private readonly ops: Operation[]) {}

  /** Records an answer to METHOD url, if it is an error body of an operation. */
  record(method: string, url: string, status: number, body: unknown): void {
    if (status < 400 || status >= 500) return
    const path = new URL(url, 'http://x').pathname
    const op = this.ops.find((o) => o.method === method.toUpperCase() && o.pattern.test(path))
    const code = (body as { error?: { code?: unknown } } | null)?.error?.code
    if (!op || typeof code !== 'string') return
    if (!this.seen.has(op.id)) this.seen.set(op.id, new Set())
    this.seen.get(op.id)!.add(`${status} ${code}`)
  }

  /** Every entry of a HAR file (schemathesis --report har). */
  recordHar(har: { log: { entries: { request: { method: string; url: string }; response: { status: number; content?: { text?: string; encoding?: string } } }[] } }): number {
    for (const entry of har.log.entries) {
      let text = entry.response.content?.text ?? ''
      if (entry.response.content?.encoding === 'base64') text = Buffer.from(text, 'base64').toString('utf8')
      let body: unknown = null
      try {
        body = JSON.parse(text)
      } catch {}
      this.record(entry.request.method, entry.request.url, entry.response.status, body)
    }
    return har.log.entries.length
  }

  missing(allowed: Record<string, string>): string[] {
    return this.ops.flatMap((op) => [...op.declared].filter((pair) => !this.seen.get(op.id)?.has(pair) && !(`${op.id} ${pair}` in allowed)).map((pair) => `${op.id} ${pair}`))
  }
}

/** A role the permission table refuses for this permission (or HQ scope that a subsidiary caller lacks). */
export function refusedCaller(permission: string): { role: Role; subs: string[] | '*' } | null {
  const rule = PERMISSIONS[permission as keyof typeof PERMISSIONS] as { roles: readonly Role[] | '*'; scope?: string }
  const outside = ROLES.find((role) => rule.roles !== '*' && !rule.roles.includes(role))
  if (outside) return { role: outside, subs: '*' }
  if (rule.scope === 'hq') return { role: 'hq_marketer', subs: ['FR'] }
  return null
}

/** A concrete URL for an operation: every path parameter filled with a value of the right shape. */
export function sampleUrl(op: Operation, values: Record<string, string>): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? '00000000-0000-0000-0000-000000000000'))
}

/** The mechanism probes: each request is one that must answer the named (status, code). */
export function mechanismProbes(op: Operation): { expect: string; headers: Record<string, string>; body?: string; auth: 'none' | 'refused' | 'valid' }[] {
  const probes: ReturnType<typeof mechanismProbes> = []
  const json = { 'content-type': 'application/json' }
  if (op.declared.has('401 unauthenticated')) probes.push({ expect: '401 unauthenticated', headers: {}, auth: 'none' })
  if (op.declared.has('403 forbidden') && op.permission && refusedCaller(op.permission)) probes.push({ expect: '403 forbidden', headers: {}, auth: 'refused' })
  if (op.hasBody) {
    // Every body the API takes is an object (or a CSV text): a JSON array is bad input, named.
    if (op.declared.has('400 invalid_input')) probes.push({ expect: '400 invalid_input', headers: json, body: '[]', auth: 'valid' })
    probes.push({ expect: '400 invalid_json', headers: json, body: '{"broken": ', auth: 'valid' })
    probes.push({ expect: '413 too_large', headers: json, body: JSON.stringify({ padding: 'x'.repeat(1_100_000) }), auth: 'valid' })
    probes.push({ expect: '415 unsupported_encoding', headers: { ...json, 'content-encoding': 'zstd-unknown' }, body: '{}', auth: 'valid' })
  }
  return probes
}
