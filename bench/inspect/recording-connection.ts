import type { Connection } from '../../src/dialects/dialect.js'

/** One statement a connection carried, as it was handed to the driver. */
export interface RecordedCall {
  readonly method: 'query' | 'execute'
  readonly sql: string
  readonly params: ReadonlyArray<unknown> | undefined
  /** The call failed as recorded (a replay expects it to fail again). */
  failed?: true
}

/**
 * The connection itself, except that every `query`, `execute` and `executeBatch` is first
 * appended to `calls` and `probe` runs before and after each. A proxy rather than a wrapper class, so whatever else
 * a connection offers keeps working unchanged.
 */
export function recordingConnection(
  inner: Connection,
  calls: RecordedCall[],
  probe?: () => void,
): Connection {
  const query: Connection['query'] = async (sql, params) => {
    const call: RecordedCall = {
      method: 'query',
      sql,
      params: params === undefined ? undefined : [...params],
    }
    calls.push(call)
    probe?.()
    try {
      return await inner.query(sql, params)
    } catch (error) {
      call.failed = true
      throw error
    } finally {
      probe?.()
    }
  }
  const execute: Connection['execute'] = async (sql) => {
    const call: RecordedCall = { method: 'execute', sql, params: undefined }
    calls.push(call)
    probe?.()
    try {
      await inner.execute(sql)
    } catch (error) {
      call.failed = true
      throw error
    } finally {
      probe?.()
    }
  }
  // A batch travels as one simple query: recorded as the text the connection sends.
  const executeBatch: Connection['executeBatch'] =
    inner.executeBatch === undefined
      ? undefined
      : async (statements) => {
          const call: RecordedCall = {
            method: 'execute',
            sql: statements.map((s) => `${s}\n;\n`).join(''),
            params: undefined,
          }
          calls.push(call)
          probe?.()
          try {
            return await inner.executeBatch!(statements)
          } catch (error) {
            call.failed = true
            throw error
          } finally {
            probe?.()
          }
        }
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'query') return query
      if (property === 'execute') return execute
      if (property === 'executeBatch') return executeBatch
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
