import { gzipSync } from 'node:zlib'

// The hand-written generator behind test/integration/api-fuzz.integration.test.ts (until the contract
// issue brings schemathesis): the routes the express app really has, and malformed variants of a request.

export interface RouteEntry {
  method: string
  path: string
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
  rawPath?: string
}

/** Every route of an express 5 app, found by walking its router stack (mounted routers included). */
export function appRoutes(app: { router: { stack: Layer[] } }): RouteEntry[] {
  const routes: RouteEntry[] = []
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) routes.push({ method: method === '_all' ? 'POST' : method.toUpperCase(), path: prefix + layer.route.path })
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''))
      }
    }
  }
  walk(app.router.stack, '')
  return routes
}

/** A small deterministic PRNG (mulberry32), so a failing run can be repeated exactly. */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Path parameter values that have broken routes: malformed %-escapes, NUL, int4 overflow, oversize. */
export const MALFORMED_PARAMS = ['%zz', '%', '%E0%A4', '%ED%A0%80', '%00', 'a%00b', '99999999999', '2147483648', '-2147483649', '-1', '0', '1.5', '1e400', 'x'.repeat(300), "'%3B--", '00000000-0000-0000-0000-000000000000', '%F0%9F%92%A9']

/** Query strings with the same kinds of values under the parameter names the API reads. */
export const MALFORMED_QUERIES = [
  'limit=99999999999', 'limit=%zz', 'limit=-5', 'version=2147483648', 'version=%00', 'cell=A9', 'cell=%00%00', 'subsidiary=%00',
  'status=%ED%A0%80', 'q=%00', 'locale=%00', 'cursor=99999999999', 'limit=1&limit=2', 'a%00=1', 'campaign=%zz', 'email=%00@x.example',
]

/** Values that replace one leaf of a valid body at a time. */
export const LEAF_MUTATIONS: unknown[] = [
  'a\u0000b', '\ud800', 'x\udfffy', '%zz', '', 'x'.repeat(5000), `${'a'.repeat(250)}@example.com`, 2147483648, -2147483649, 1e308, 1.5, -1, 0,
  true, null, [], {}, { '\u0000': 1 },
]

/** Bodies that are not what any route takes. */
export function junkBodies(next: () => number): { body: string | Buffer; headers: Record<string, string> }[] {
  const json = { 'content-type': 'application/json' }
  const out: { body: string | Buffer; headers: Record<string, string> }[] = [
    { body: Buffer.from('this is not gzip'), headers: { ...json, 'content-encoding': 'gzip' } },
    { body: Buffer.from('this is not deflate'), headers: { ...json, 'content-encoding': 'deflate' } },
    { body: Buffer.from('this is not brotli'), headers: { ...json, 'content-encoding': 'br' } },
    { body: gzipSync('{"x": 1'), headers: { ...json, 'content-encoding': 'gzip' } },
    { body: Buffer.from('{}'), headers: { ...json, 'content-encoding': 'zstd' } },
    { body: '{"a": ', headers: json },
    { body: '"\\u0000"', headers: json },
    { body: '{"\\u0000": "\\ud800"}', headers: json },
    { body: '[' .repeat(5000), headers: json },
    { body: 'null', headers: json },
    { body: 'x=%zz&email=%00', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { body: 'email\na\u0000b@example.com\n', headers: { 'content-type': 'text/csv' } },
    { body: '{"a":1}', headers: { 'content-type': 'application/json; charset=klingon' } },
  ]
  for (let i = 0; i < 4; i++) out.push({ body: JSON.stringify(randomJson(next, 3)), headers: json })
  return out
}

export function randomJson(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 0 ? 9 : 6))
  const text = () => Array.from({ length: Math.floor(next() * 12) }, () => String.fromCharCode(Math.floor(next() * 0xffff))).join('')
  switch (pick) {
    case 0: return text()
    case 1: return Math.floor((next() - 0.5) * 2 ** 40)
    case 2: return next() < 0.5
    case 3: return null
    case 4: return next() * 1e20
    case 5: return LEAF_MUTATIONS[Math.floor(next() * LEAF_MUTATIONS.length)]
    case 6: return Array.from({ length: Math.floor(next() * 4) }, () => randomJson(next, depth - 1))
    default: return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [text(), randomJson(next, depth - 1)]))
  }
}

/** Every variant of a valid body with one leaf (string, number, boolean, null) replaced by each mutation. */
export function leafMutations(body: unknown, limit = 400): unknown[] {
  const paths: (string | number)[][] = []
  const collect = (value: unknown, path: (string | number)[]) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) collect(item, [...path, Array.isArray(value) ? Number(key) : key])
    } else paths.push(path)
  }
  collect(body, [])
  const out: unknown[] = []
  for (const path of paths) {
    for (const mutation of LEAF_MUTATIONS) {
      if (out.length >= limit) return out
      const copy = structuredClone(body) as Record<string | number, unknown>
      if (path.length === 0) {
        out.push(mutation)
        continue
      }
      let target = copy
      for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>
      target[path.at(-1)!] = mutation
      out.push(copy)
    }
  }
  return out
}
