import pc from 'picocolors'

/** Where a command writes. Data goes to stdout; logs, progress and colour to stderr only. */
export interface Output {
  /** Whether `--json` was given: stdout then carries exactly one JSON document. */
  readonly json: boolean
  /** Colour functions: identity when stderr is not a terminal or NO_COLOR is set. */
  readonly color: ColorFns
  /** Colour for stdout (human output only). */
  readonly stdoutColor: ColorFns
  /** Registers a string (a password) that must never be written. */
  addSecret(secret: string): void
  /** Removes every registered secret from a string. */
  scrub(text: string): string
  /** Human result text on stdout (ignored in `--json` mode). */
  result(text: string): void
  /** The one JSON document on stdout. */
  document(value: unknown): void
  /** A log line on stderr. */
  log(text: string): void
}

/** The colour functions an output uses. */
export type ColorFns = Pick<
  typeof pc,
  'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'gray' | 'underline'
>

const PLAIN: ColorFns = {
  bold: String,
  dim: String,
  red: String,
  green: String,
  yellow: String,
  cyan: String,
  magenta: String,
  gray: String,
  underline: String,
}

/** An output on the process's streams, or on given writers (tests, embedding). */
export function createOutput(
  options: {
    json?: boolean
    stdout?: (s: string) => void
    stderr?: (s: string) => void
    stdoutIsTTY?: boolean
    stderrIsTTY?: boolean
  } = {},
): Output {
  const secrets = new Set<string>()
  const stdout = options.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = options.stderr ?? ((s: string) => void process.stderr.write(s))
  const colorAllowed = !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb'
  const forced = 'FORCE_COLOR' in process.env && process.env.FORCE_COLOR !== '0'
  const errColor =
    forced || (colorAllowed && (options.stderrIsTTY ?? process.stderr.isTTY === true)) ? pc : PLAIN
  const outColor =
    forced || (colorAllowed && (options.stdoutIsTTY ?? process.stdout.isTTY === true)) ? pc : PLAIN
  // A password that is one of plumbline's own words (a dialect name, a JSON literal) or shorter
  // than four characters cannot be told apart from them in output: printing "postgres" as a
  // dialect reveals nothing about a password "postgres", and scrubbing it would corrupt JSON.
  const exempt = new Set(['sqlite', 'postgres', 'postgresql', 'mysql', 'mariadb', 'true', 'false', 'null'])
  const scrub = (text: string): string => {
    let clean = text
    for (const secret of secrets) {
      if (secret.length >= 4 && !exempt.has(secret.toLowerCase())) clean = clean.split(secret).join('***')
    }
    return clean
  }
  return {
    json: options.json ?? false,
    color: errColor,
    stdoutColor: outColor,
    addSecret: (secret) => void secrets.add(secret),
    scrub,
    result(text) {
      if (!this.json) stdout(scrub(text.endsWith('\n') ? text : `${text}\n`))
    },
    document(value) {
      stdout(`${scrub(JSON.stringify(value, null, 2))}\n`)
    },
    log(text) {
      stderr(scrub(text.endsWith('\n') ? text : `${text}\n`))
    },
  }
}
