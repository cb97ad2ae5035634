import { isAbsolute, resolve } from 'node:path'
import { PlumblineError } from '../errors/plumbline-error.js'

/** The database kinds plumbline speaks to. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql'

interface TargetBase {
  /** The URL with any password replaced by `***`: the only form ever printed. */
  readonly redacted: string
  /** Strings that must never reach output (the password, raw and percent-encoded). */
  readonly secrets: ReadonlyArray<string>
}

/** A SQLite database file (or `:memory:`). */
export interface SqliteTarget extends TargetBase {
  readonly dialect: 'sqlite'
  readonly path: string
}

/** A server database reached over the network or a socket. */
export interface ServerTarget extends TargetBase {
  readonly dialect: 'postgres' | 'mysql'
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string | undefined
  readonly database: string
  /** Query parameters other than the ones lifted into fields above (`sslmode`, …). */
  readonly params: Readonly<Record<string, string>>
}

/** A parsed, validated connection URL. */
export type ConnectionTarget = SqliteTarget | ServerTarget

const ACCEPTED_FORMS =
  'accepted forms: sqlite:<path>, sqlite:///<absolute path>, file:<path>, a path ending in .db/.sqlite/.sqlite3, ' +
  'postgres://user:password@host:5432/database, mysql://user:password@host:3306/database'

/**
 * Parses a connection URL into a target. Never echoes a password: errors show the redacted form.
 *
 * @example
 * parseConnectionUrl('postgres://app:s3cret@db:5432/app').redacted // 'postgres://app:***@db:5432/app'
 */
export function parseConnectionUrl(raw: string, cwd: string = process.cwd()): ConnectionTarget {
  const url = raw.trim()
  if (url === '') {
    throw new PlumblineError({
      code: 'URL_MISSING',
      message: 'no database URL was given',
      hint: 'pass --url, set `url` in plumbline.config, or set PLUMBLINE_URL or DATABASE_URL',
    })
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase()
  if (scheme === 'sqlite' || scheme === 'file') return parseSqlite(url, scheme, cwd)
  if (scheme === 'postgres' || scheme === 'postgresql') return parseServer(url, 'postgres', 5432)
  if (scheme === 'mysql' || scheme === 'mariadb') return parseServer(url, 'mysql', 3306)
  if (scheme === undefined || /^[a-zA-Z]$/.test(scheme)) {
    if (/\.(db|sqlite|sqlite3)$/i.test(url)) return sqliteTarget(url, cwd, url)
  }
  const shown = redactLoosely(url)
  throw new PlumblineError({
    code: scheme === undefined ? 'URL_INVALID' : 'DIALECT_UNSUPPORTED',
    message:
      scheme === undefined
        ? `cannot tell which database ${JSON.stringify(shown)} is`
        : `unsupported database URL scheme "${scheme}:" in ${JSON.stringify(shown)}`,
    hint: ACCEPTED_FORMS,
  })
}

function parseSqlite(url: string, scheme: string, cwd: string): SqliteTarget {
  let rest = url.slice(scheme.length + 1)
  const query = rest.indexOf('?')
  if (query >= 0) rest = rest.slice(0, query)
  if (rest.startsWith('//')) {
    // sqlite:///abs/path — the authority is empty; sqlite://relative is ambiguous and refused.
    rest = rest.slice(2)
    if (!rest.startsWith('/')) {
      throw new PlumblineError({
        code: 'URL_INVALID',
        message: `${JSON.stringify(url)} has a host part; a SQLite URL names a file`,
        hint: 'write sqlite:///absolute/path.db (three slashes) or sqlite:relative/path.db',
      })
    }
  }
  let path: string
  try {
    path = decodeURIComponent(rest)
  } catch (cause) {
    throw new PlumblineError({
      code: 'URL_INVALID',
      message: `${JSON.stringify(url)} has a malformed %-escape`,
      hint: ACCEPTED_FORMS,
      cause,
    })
  }
  if (path === '') {
    throw new PlumblineError({
      code: 'URL_INVALID',
      message: `${JSON.stringify(url)} names no file`,
      hint: ACCEPTED_FORMS,
    })
  }
  return sqliteTarget(path, cwd, url)
}

function sqliteTarget(path: string, cwd: string, shown: string): SqliteTarget {
  const resolved = path === ':memory:' ? path : isAbsolute(path) ? path : resolve(cwd, path)
  return { dialect: 'sqlite', path: resolved, redacted: shown, secrets: [] }
}

/** A server URL whose authority has credentials and no host: scheme and user, then the rest. */
const HOSTLESS = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@]*)@((?::\d*)?(?:[/?#].*)?)$/i
const NO_HOST = 'plumbline.no-host.invalid'

function parseServer(raw: string, dialect: 'postgres' | 'mysql', defaultPort: number): ServerTarget {
  let url: URL
  // `postgresql://user@/app?host=/var/run/postgresql` (a socket directory, as libpq reads it): the
  // URL parser refuses credentials without a host, so the empty host is held by a placeholder.
  const hostless = HOSTLESS.exec(raw)
  try {
    url = new URL(hostless ? `${hostless[1]}@${NO_HOST}${hostless[2]}` : raw)
  } catch (cause) {
    throw new PlumblineError({
      code: 'URL_INVALID',
      message: `malformed ${dialect} URL ${JSON.stringify(redactLoosely(raw))}`,
      hint: `${ACCEPTED_FORMS}; percent-encode special characters in the user name and password`,
      cause,
    })
  }
  const decode = (value: string, what: string): string => {
    try {
      return decodeURIComponent(value)
    } catch (cause) {
      throw new PlumblineError({
        code: 'URL_INVALID',
        message: `the ${what} in ${JSON.stringify(redactLoosely(raw))} has a malformed %-escape`,
        hint: 'percent-encode special characters, e.g. @ as %40',
        cause,
      })
    }
  }
  const password = url.password === '' ? undefined : decode(url.password, 'password')
  const secrets = password === undefined ? [] : [...new Set([password, url.password])]
  const redactedUrl = new URL(url.href)
  if (redactedUrl.password !== '') redactedUrl.password = '***'
  const redacted = hostless ? redactedUrl.href.replace(`@${NO_HOST}`, '@') : redactedUrl.href
  const params: Record<string, string> = {}
  let socketHost: string | undefined
  for (const [key, value] of url.searchParams) {
    if (key === 'host') socketHost = value
    else if (key === 'password') {
      throw new PlumblineError({
        code: 'URL_INVALID',
        message: 'the password belongs in the URL authority, not in a query parameter',
        hint: `write ${url.protocol}//user:password@host/database`,
      })
    } else params[key] = value
  }
  const host = socketHost ?? (hostless ? '' : decode(url.hostname, 'host').replace(/^\[(.*)\]$/, '$1'))
  if (host === '') {
    throw new PlumblineError({
      code: 'URL_INVALID',
      message: `${JSON.stringify(redacted)} names no host`,
      hint: `${ACCEPTED_FORMS}; a Unix socket directory goes in a host parameter: ${url.protocol}//user@/database?host=/var/run/postgresql`,
    })
  }
  const port = url.port === '' ? defaultPort : Number(url.port)
  const database = decode(url.pathname.replace(/^\//, ''), 'database name')
  if (database === '' || database.includes('/')) {
    throw new PlumblineError({
      code: 'URL_INVALID',
      message: `${JSON.stringify(redacted)} names no database`,
      hint: `end the URL with /<database>, e.g. ${url.protocol}//user@host:${defaultPort}/app`,
    })
  }
  const user =
    url.username === '' ? (dialect === 'postgres' ? 'postgres' : 'root') : decode(url.username, 'user')
  return { dialect, host, port, user, password, database, params, redacted, secrets }
}

/** Best-effort redaction for a string that did not even parse as a URL. */
function redactLoosely(raw: string): string {
  return raw.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/, '$1***@')
}
