// Builds the habit-tracker sample database from examples/habit-tracker/migrations into
// .tmp/habit-tracker.db, then shows it with `plumbline inspect`. Run: npm run sample
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const migrations = join(root, 'examples/habit-tracker/migrations')
const file = join(root, '.tmp/habit-tracker.db')
mkdirSync(dirname(file), { recursive: true })
rmSync(file, { force: true })
const db = new Database(file)
for (const name of readdirSync(migrations).filter((n) => n.endsWith('.sql')).sort()) {
  const text = readFileSync(join(migrations, name), 'utf8')
  const up = text.split(/^-- plumbline:down\s*$/m)[0]
  db.exec(up)
  console.error(`built ${name}`)
}
db.close()
const run = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'inspect', '--url', `sqlite:${file}`], {
  stdio: 'inherit',
})
process.exit(run.status ?? 1)
