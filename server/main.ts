import { surviveDatabaseOutages } from '../db/availability'
import { installWorkerRuntime } from './campaign-worker'
import { loadConfig } from './config'
import { startSystem } from './system'

// `npm start`: the whole product on one machine, with embedded defaults for whatever is not configured.
const started = Date.now()
const config = loadConfig()
installWorkerRuntime('WARN', { metricsAddress: config.temporal.metricsAddress })
surviveDatabaseOutages()
try {
  const system = await startSystem(config)
  const ready = ((Date.now() - started) / 1000).toFixed(1)
  const people = system.demoSignIn
    ? `Sign in to the designer with one of the demo users (password: ${system.demoSignIn.password}):\n${system.demoSignIn.users.map((u) => `  ${u.role.padEnd(20)} ${u.email.padEnd(46)} ${u.name}`).join('\n')}\n${system.demoSignIn.scriptKey ? `An API key for scripts (HQ marketer; shown this once, only its hash is stored):\n  KEY=${system.demoSignIn.scriptKey}\n` : 'Scripts use API keys: an admin creates one in the designer (Admin → API keys); it is shown once.\n'}`
    : ''
  console.log(`
Kessler Campaigns is ready (${ready} s).
  Designer (sign in):        ${system.designerUrl}
  Booth app (trade fair):    ${system.url}/fair/
  API:                       ${system.url}/api
  Outbox (SMTP sink):        ${system.sink ? `${system.url}/outbox` : `not running: mail goes to ${config.smtpUrl}`}
  Temporal Web UI:           ${system.temporalUiUrl ?? `the UI of your cluster at ${config.temporal.address}`}
${people}Post a purchase with an API key ($KEY):
  curl -X POST ${system.url}/api/events -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
    -d '{"type":"purchase","contact":{"email":"claire.dupont@dupont-industrie.example"},"properties":{"product":"HydroStat 2000"}}'
`)
  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: stopping …`)
    await system.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
} catch (error) {
  console.error(`\nKessler Campaigns could not start: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
}
