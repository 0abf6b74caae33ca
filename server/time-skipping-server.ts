import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const POM = fileURLToPath(new URL('../tools/time-skipping-server/pom.xml', import.meta.url))
const CACHE = fileURLToPath(new URL('../node_modules/.cache/temporal-time-skipping-server/', import.meta.url))

export const TIME_SKIPPING_HELP =
  'Campaign simulation needs Temporal\'s time-skipping test server, a Java program fetched from Maven Central: ' +
  'install a JDK (17+) and Maven (Debian: `apt-get install default-jdk-headless maven`); the first simulation ' +
  'resolves it into node_modules/.cache.'

/**
 * An executable that starts Temporal's Java test server, for the SDK's `existing-path` option (which runs
 * it with `<port> --enable-time-skipping`). Maven resolves the server's classpath once; later calls reuse it.
 */
export async function timeSkippingServerExecutable(): Promise<string> {
  const wrapper = join(CACHE, 'temporal-test-server')
  if (existsSync(wrapper)) return wrapper
  await mkdir(CACHE, { recursive: true })
  const classpathFile = join(CACHE, 'classpath.txt')
  try {
    await promisify(execFile)('mvn', ['-q', '-B', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`], { timeout: 600_000 })
    await promisify(execFile)('java', ['-version'])
  } catch (error) {
    throw new Error(`${TIME_SKIPPING_HELP} (${error instanceof Error ? error.message.split('\n')[0] : error})`)
  }
  const classpath = (await readFile(classpathFile, 'utf8')).trim()
  await writeFile(wrapper, `#!/bin/sh\nexec java -Xmx256m -cp '${classpath}' io.temporal.testserver.TestServer "$@"\n`)
  await chmod(wrapper, 0o755)
  return wrapper
}
