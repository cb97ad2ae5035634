import { describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../src/config/connection-url.js'
import { isPlumblineError } from '../../src/errors/plumbline-error.js'

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (isPlumblineError(e)) return e.code
    throw e
  }
  throw new Error('expected an error')
}

describe('connection URLs (contract §1)', () => {
  it('reads every SQLite form', () => {
    expect(parseConnectionUrl('sqlite:data/app.db', '/srv')).toMatchObject({
      dialect: 'sqlite',
      path: '/srv/data/app.db',
    })
    expect(parseConnectionUrl('sqlite:///var/lib/app.db', '/srv')).toMatchObject({ path: '/var/lib/app.db' })
    expect(parseConnectionUrl('file:app.sqlite', '/srv')).toMatchObject({ path: '/srv/app.sqlite' })
    expect(parseConnectionUrl('./app.sqlite3', '/srv')).toMatchObject({
      dialect: 'sqlite',
      path: '/srv/app.sqlite3',
    })
    expect(parseConnectionUrl('/abs/app.db', '/srv')).toMatchObject({ path: '/abs/app.db' })
    expect(parseConnectionUrl('sqlite:my%20app.db', '/srv')).toMatchObject({ path: '/srv/my app.db' })
    expect(parseConnectionUrl('sqlite::memory:')).toMatchObject({ path: ':memory:' })
  })

  it('reads PostgreSQL and MySQL URLs with defaults', () => {
    expect(parseConnectionUrl('postgres://app@db.internal/app')).toMatchObject({
      dialect: 'postgres',
      host: 'db.internal',
      port: 5432,
      user: 'app',
      password: undefined,
      database: 'app',
    })
    expect(parseConnectionUrl('postgresql://db:6543/x?sslmode=require')).toMatchObject({
      user: 'postgres',
      port: 6543,
      params: { sslmode: 'require' },
    })
    expect(parseConnectionUrl('mariadb://root@127.0.0.1/test')).toMatchObject({
      dialect: 'mysql',
      port: 3306,
    })
    expect(parseConnectionUrl('postgres://u@x/db?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
    })
    // libpq's form for a Unix socket: credentials, no host, the socket directory as a parameter.
    expect(
      parseConnectionUrl('postgresql://app:s3cret@/app?host=/var/run/postgresql&sslmode=disable'),
    ).toEqual({
      dialect: 'postgres',
      host: '/var/run/postgresql',
      port: 5432,
      user: 'app',
      password: 's3cret',
      database: 'app',
      params: { sslmode: 'disable' },
      redacted: 'postgresql://app:***@/app?host=/var/run/postgresql&sslmode=disable',
      secrets: ['s3cret'],
    })
    expect(parseConnectionUrl('postgres://app@:6432/app?host=/tmp')).toMatchObject({
      host: '/tmp',
      port: 6432,
    })
  })

  it('decodes a percent-encoded password and never shows it in the redacted form', () => {
    const target = parseConnectionUrl('postgres://app:p%40ss%3Aword@db/app')
    expect(target.dialect === 'postgres' && target.password).toBe('p@ss:word')
    expect(target.redacted).toBe('postgres://app:***@db/app')
    expect(target.secrets).toContain('p@ss:word')
    expect(target.secrets).toContain('p%40ss%3Aword')
  })

  it('refuses malformed URLs with coded errors that do not echo the password', () => {
    expect(codeOf(() => parseConnectionUrl(''))).toBe('URL_MISSING')
    expect(codeOf(() => parseConnectionUrl('oracle://u:p@h/db'))).toBe('DIALECT_UNSUPPORTED')
    expect(codeOf(() => parseConnectionUrl('postgres://u@h'))).toBe('URL_INVALID')
    expect(codeOf(() => parseConnectionUrl('postgres://u:secret@:5432/db'))).toBe('URL_INVALID')
    expect(codeOf(() => parseConnectionUrl('postgres://u@/db'))).toBe('URL_INVALID')
    expect(() => parseConnectionUrl('postgres://u:topsecret@/db')).toThrow(
      '"postgres://u:***@/db" names no host',
    )
    expect(codeOf(() => parseConnectionUrl('app.txt'))).toBe('URL_INVALID')
    expect(codeOf(() => parseConnectionUrl('sqlite://relative.db'))).toBe('URL_INVALID')
    expect(codeOf(() => parseConnectionUrl('postgres://u:%E0%A4%A@h/db'))).toBe('URL_INVALID')
    try {
      parseConnectionUrl('postgres://u:topsecret@h:99999/db')
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('topsecret')
    }
  })
})
