// Run in a child process by measure-memory.ts, so that the peak RSS it reports belongs to
// introspection alone and not to the build of the database or to the timing runs.
// Usage: node --expose-gc --import <register.mjs> memory-probe.ts <url>
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { dialectFor } from '../../src/dialects/registry.js'
import { recordingConnection } from './recording-connection.js'

const url = process.argv[2]
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined || url === undefined) {
  throw new Error('memory-probe: run with --expose-gc and a database URL')
}

const dialect = await dialectFor(parseConnectionUrl(url).dialect)
const conn = await dialect.connect(parseConnectionUrl(url))
gc()
const rssBefore = process.memoryUsage.rss()
// The first introspections load and compile everything they need; the measured ones follow.
await dialect.introspect(conn)
await dialect.introspect(conn)
gc()
const base = process.memoryUsage()
let heapPeak = base.heapUsed
const probe = () => {
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
}
// Three results held at once: what one schema keeps alive shows above the noise of the heap.
const held = [await dialect.introspect(recordingConnection(conn, [], probe))]
probe()
held.push(await dialect.introspect(conn), await dialect.introspect(conn))
gc()
const retained = (process.memoryUsage().heapUsed - base.heapUsed) / held.length
await conn.close()
process.stdout.write(
  `${JSON.stringify({
    objects: held[0]!.objects.length,
    rssBefore,
    rssPeak: process.resourceUsage().maxRSS * 1024,
    heapBase: base.heapUsed,
    heapPeak,
    heapRetained: retained,
  })}\n`,
)
