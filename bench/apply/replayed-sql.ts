import { migrate } from '../../src/engine/migrate.js'
import { openSession } from '../../src/engine/session.js'
import { postgresReplayer } from '../inspect/raw-replay.js'
import { type RecordedCall, recordingConnection } from '../inspect/recording-connection.js'

/**
 * Every call one verified `up` (from an empty database at `url` to head) makes on its session's
 * connection, as the driver was handed it: the migrations' batches with their verification
 * reads, the tracking writes, the lock, the observation. What the session sent while opening
 * (before `up` began) is not in it; a replayer connects by itself.
 */
export async function recordUp(dir: string, url: string): Promise<RecordedCall[]> {
  const calls: RecordedCall[] = []
  const session = await openSession({ url, dir, history: 'file', create: true })
  try {
    const conn = recordingConnection(session.conn, calls)
    const result = await migrate({
      ...session,
      conn,
      context: async () => ({ ...(await session.context()), conn }),
    })
    if (!result.ok) throw new Error(`up failed: ${result.error?.message ?? result.state}`)
  } finally {
    await session.close()
  }
  return calls
}

/**
 * Connects a bare node-postgres client to `url`, sends `calls` back to back and disconnects:
 * the server's work on what plumbline sent, with nothing of plumbline running in the process.
 * Timed from before the connection to after it closed, as a baseline that starts a process is.
 */
export async function replayOnPostgres(url: string, calls: ReadonlyArray<RecordedCall>): Promise<number> {
  const start = performance.now()
  const replayer = await postgresReplayer(url, calls)
  try {
    await replayer.run()
  } finally {
    await replayer.close()
  }
  return performance.now() - start
}
