// Runs after `npm ci` (package.json "postinstall"). Works around a bug in the postgres driver (porsager/postgres
// 3.4.9, unfixed upstream: issues #1066, #1154, #1208; pull requests #1168, #1209) that kills the process when
// the database restarts: a transaction whose connection dies mid-query sends its ROLLBACK on the dead
// connection; the write is deferred to setImmediate, and nextWrite() then calls write on a socket that
// closed() has set to null: "TypeError: Cannot read properties of null (reading 'write')" at
// src/connection.js:255, uncaught, from no caller's stack. Also, both teardown paths cancel the deferred
// write without forgetting it, so a reconnected connection never flushes again (a wedged pool slot).
// The patch: nextWrite() on a closed connection rejects the waiting queries (CONNECTION_CLOSED) instead of
// throwing, and teardown forgets the buffered write. Idempotent; fails loudly if the driver's code changed,
// so a driver upgrade is checked against the upstream fix (then delete this script).
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const MARKER = 'kessler-patch: closed socket'
// A direct dependency, so npm installs it at the top of node_modules (its exports hide package.json from require).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres')
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

const replacements = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    if (!socket) { // ${MARKER}: settle the queries instead of throwing from setImmediate\n      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options, options))\n      query = null\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  [
    '    clearImmediate(nextWriteTimer)\n    if (socket) {',
    `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARKER}: forget the cancelled write\n    if (socket) {`,
  ],
  [
    '    incomings = null\n    clearImmediate(nextWriteTimer)\n    socket.removeListener',
    `    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARKER}: forget the cancelled write\n    socket.removeListener`,
  ],
]

for (const file of ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js']) {
  const path = join(root, file)
  let source
  try {
    source = readFileSync(path, 'utf8')
  } catch {
    continue // a build the package no longer ships
  }
  if (source.includes(MARKER)) continue
  for (const [before, after] of replacements) {
    if (source.split(before).length !== 2) {
      console.error(`patch-postgres-driver: postgres ${version} ${file} differs from 3.4.9; check whether upstream fixed nextWrite on a closed socket (porsager/postgres#1208) and update or delete tools/patch-postgres-driver.mjs`)
      process.exit(1)
    }
    source = source.replace(before, after)
  }
  writeFileSync(path, source)
  console.log(`patch-postgres-driver: patched postgres ${version} ${file}`)
}
