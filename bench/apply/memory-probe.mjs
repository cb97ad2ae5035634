// Run by measure-up-memory.ts in a fresh Node process, without the TypeScript loader, so that its
// peak RSS is that of plumbline doing one thing: a verified `up` from an empty database to head.
// Usage: node memory-probe.mjs <compiled source folder> <database URL> <migrations folder>
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [build, url, dir] = process.argv.slice(2)
if (!build || !url || !dir) throw new Error('memory-probe: <compiled source> <url> <migrations folder>')
const { migrate } = await import(pathToFileURL(join(build, 'src/api/operations.js')).href)
// Loads the dialect's driver before the baseline is taken, as an application would have.
const { parseConnectionUrl } = await import(pathToFileURL(join(build, 'src/config/connection-url.js')).href)
const { dialectFor } = await import(pathToFileURL(join(build, 'src/dialects/registry.js')).href)
await dialectFor(parseConnectionUrl(url).dialect)
const rssBefore = process.memoryUsage.rss()
let heapPeak = process.memoryUsage().heapUsed
const sampler = setInterval(() => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
}, 5)
const result = await migrate({ url, dir, history: 'file' })
clearInterval(sampler)
if (!result.ok) throw new Error(`memory-probe: up failed: ${result.error?.message}`)
process.stdout.write(
  `${JSON.stringify({
    applied: result.applied.length,
    rssBefore,
    rssPeak: process.resourceUsage().maxRSS * 1024,
    heapPeak,
  })}\n`,
)
