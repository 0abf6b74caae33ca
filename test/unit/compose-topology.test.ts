import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ROOT, TEMPORAL_START_COMMAND, TEMPORAL_TEST_ONLY_VARIABLES, TEMPORAL_VARIABLES } from '../helpers/temporal-cluster'
import { APP_COMMAND, WORKER_COMMAND } from '../helpers/product-process'
import { PRODUCT_FIXED_VALUES, PRODUCT_VARIABLES } from '../helpers/topology'

// No Docker engine runs here, so docker-compose.yml cannot be started in CI. What CI proves with the
// production-topology tests holds for compose only if compose starts the same things: this test keeps the
// commands, variables and versions of the two in step, so changing one without the other fails.
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { image?: string; build?: string | { context: string; dockerfile: string }; command?: string[]; environment?: Record<string, string | number> }>
}
const service = (name: string) => {
  const found = compose.services[name]
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`)
  return found
}
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8')

describe('docker-compose.yml starts what the topology tests run', () => {
  it('runs the app and the workers with the tests\' commands', () => {
    expect(service('app').command).toEqual(APP_COMMAND)
    expect(service('worker').command).toEqual(WORKER_COMMAND)
    // The image's default command is the app's too.
    expect(read('Dockerfile')).toContain(`CMD ${JSON.stringify(APP_COMMAND).replace(/,/g, ', ')}`)
  })

  it('gives the app and the workers the variables the tests give them, with the same fixed values', () => {
    const app = service('app').environment!
    expect(service('worker').environment).toEqual(app)
    expect(Object.keys(app).sort()).toEqual([...PRODUCT_VARIABLES].sort())
    for (const [name, value] of Object.entries(PRODUCT_FIXED_VALUES)) expect(String(app[name]), name).toBe(value)
    // The workflow bundle compose points at is the one the image builds.
    expect(read('Dockerfile')).toContain(`npm run build:workflows -- ${app.WORKFLOW_BUNDLE}`)
  })

  it('builds Temporal from the module version the tests build, and starts it through the same script and variables', () => {
    const temporal = service('temporal')
    expect(temporal.image).toBeUndefined()
    expect(temporal.build).toEqual({ context: '.', dockerfile: 'tools/temporal-server/Dockerfile' })
    expect(temporal.command).toEqual(TEMPORAL_START_COMMAND)
    const dockerfile = read('tools/temporal-server/Dockerfile')
    expect(dockerfile).toContain('tools/temporal-server/build.sh')
    expect(dockerfile).toContain('cat tools/temporal-server/VERSION')
    // build.sh takes the version from VERSION alone, as the tests' temporalServerHome() does.
    expect(read('tools/temporal-server/build.sh')).toContain('version="$(tr -d \' \\n\' < "$here/VERSION")"')
    expect(read('tools/temporal-server/build.sh')).not.toMatch(/go\.temporal\.io\/server\/cmd\/server@v\d/)
    const variables = Object.keys(temporal.environment!).sort()
    expect(variables).toEqual([...TEMPORAL_VARIABLES].sort())
    expect(variables.filter((name) => TEMPORAL_TEST_ONLY_VARIABLES.includes(name))).toEqual([])
    expect(temporal.environment!.DB).toBe('postgres12')
  })

  it('runs both Postgres services on one pinned major version (production-topology checks it is the one the tests ran on)', () => {
    expect(service('postgres').image).toMatch(/^postgres:\d+$/)
    expect(service('temporal-postgres').image).toBe(service('postgres').image)
  })
})
