import type { Router } from 'express'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createApp, type AppDeps } from '../../api/app'
import { HQ_ROLES, PERMISSIONS, ROLES, roleMay, type Role } from '../../api/permissions'
import { permissionFor, ROUTE_PERMISSIONS } from '../../api/route-permissions'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Every role × every route of the app, against the running product: the permission table's answer
// is what the caller gets. The route list comes from the app's own router, so a new route without a row
// in api/permissions.ts fails here (and a row for a route that no longer exists, too).

let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
}, 120_000)
afterAll(() => system?.stop())

interface Layer {
  route?: { path: string; methods: Record<string, boolean> }
  handle: { stack?: Layer[] }
}

/** Method and path of every route registered on the API router (sub-routers are mounted without a prefix). */
function routesOf(router: Router): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) return Object.keys(layer.route.methods).map((m) => `${m === '_all' ? 'ALL' : m.toUpperCase()} ${layer.route!.path}`)
      return layer.handle.stack ? walk(layer.handle.stack) : []
    })
  return [...new Set(walk((router as unknown as { stack: Layer[] }).stack))]
}

const registered = () => {
  // Only to list routes: nothing is called on these dependencies.
  const app = createApp({ sql: system.sql, client: system.client, tokens: system.tokens, taskQueue: 'x', scanEvery: '1h', dispatcher: system.dispatcher, renderer: system.renderer, simulator: {} as never, log: () => {}, crmSecrets: {} as never } as AppDeps)
  return routesOf(app.locals.apiRouter as Router)
}

it('has a row for every route of the app, and no row for a route that does not exist', () => {
  const routes = registered()
  expect(routes.length).toBeGreaterThan(70)
  expect(routes.filter((route) => !(route in ROUTE_PERMISSIONS))).toEqual([])
  expect(Object.keys(ROUTE_PERMISSIONS).filter((route) => !routes.includes(route))).toEqual([])
})

it('answers every role × route pair as the table says', async () => {
  const routes = registered()
  const keys = Object.fromEntries(
    await Promise.all(ROLES.map(async (role) => [role, await system.token({ role, subs: HQ_ROLES.includes(role) ? '*' : ['FR'], sub: `probe-${role}` })] as const)),
  ) as Record<Role, string>
  const mismatches: string[] = []
  let pairs = 0
  for (const route of routes) {
    const [method, pattern] = route.split(' ') as [string, string]
    // Parameters get values that name nothing, so allowed calls end in 400/404 rather than change data.
    const path = pattern.replace(/\*[A-Za-z]+/g, 'x/1').replace(/:[A-Za-z]+/g, (name) => (name === ':code' ? 'ZZ' : name === ':kind' ? 'masters' : name === ':version' ? '1' : '00000000-0000-4000-8000-000000000000'))
    const permission = permissionFor(method, path)!
    for (const role of ROLES) {
      pairs++
      const response = await fetch(`${system.url}/api${path}`, {
        method: method === 'ALL' ? 'PUT' : method,
        headers: { authorization: `Bearer ${keys[role]}`, 'content-type': 'application/json' },
        body: method === 'GET' || method === 'DELETE' || method === 'HEAD' ? undefined : JSON.stringify({ unknownField: true }),
      })
      const body = (await response.json().catch(() => null)) as { error?: { permission?: string } } | null
      const refusedByTable = response.status === 403 && body?.error?.permission === permission
      if (refusedByTable === roleMay(role, permission)) {
        mismatches.push(`${role} ${route}: ${response.status} ${JSON.stringify(body).slice(0, 120)} (table: ${roleMay(role, permission) ? 'allowed' : 'refused'})`)
      }
    }
  }
  expect(mismatches).toEqual([])
  expect(pairs).toBe(routes.length * ROLES.length)
  expect(Object.keys(PERMISSIONS).length).toBeGreaterThan(30)
}, 120_000)
