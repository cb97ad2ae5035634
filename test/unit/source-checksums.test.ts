import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DialectName } from '../../src/config/connection-url.js'
import { loadMigrations } from '../../src/source/load-migrations.js'
import type { Migration } from '../../src/source/migration.js'

const scratch: string[] = []
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function load(files: Readonly<Record<string, string>>, dialect: DialectName): Promise<Migration> {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-checksums-'))
  scratch.push(dir)
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents)
  return (await loadMigrations(dir, { dialect }))[0]!
}

const checksums = async (text: string, dialect: DialectName = 'postgres') => {
  const m = await load({ '0001_m.sql': text }, dialect)
  return { raw: m.checksum, normalized: m.normalizedChecksum }
}

const ORIGINAL = `-- Users and their goals.
-- plumbline:up
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL
);
CREATE INDEX idx_users_email ON users (email) WHERE email <> '  two  spaces ';

-- plumbline:down
DROP TABLE users;
`

/** Cosmetic edits: each must leave the normalised checksum as it was (and change the raw one). */
const COSMETIC: ReadonlyArray<readonly [string, string]> = [
  [
    'only comments change',
    ORIGINAL.replace('-- Users and their goals.', '-- Users, goals; reviewed by ops.'),
  ],
  [
    'a comment is added inside a statement',
    ORIGINAL.replace('  email text NOT NULL', '  email text NOT NULL -- login; unique per tenant'),
  ],
  ['a block comment replaces a space', ORIGINAL.replace('DROP TABLE users', 'DROP/* bye */TABLE users')],
  [
    'the file is reindented',
    ORIGINAL.replace(
      '  id bigint PRIMARY KEY,\n  email text NOT NULL\n',
      '\tid    bigint   PRIMARY KEY,\n\t\temail text NOT NULL\n',
    ),
  ],
  [
    'one statement is spread over several lines',
    ORIGINAL.replace('CREATE INDEX idx_users_email ON users', 'CREATE INDEX idx_users_email\n    ON users'),
  ],
  ['a trailing newline is added', `${ORIGINAL}\n\n`],
  ['the last semicolon is dropped', ORIGINAL.replace('DROP TABLE users;', 'DROP TABLE users')],
  ['an empty statement is added', ORIGINAL.replace('DROP TABLE users;', 'DROP TABLE users;;\n;')],
  ['line endings become CRLF', ORIGINAL.replaceAll('\n', '\r\n')],
  ['a byte-order mark is added', `\uFEFF${ORIGINAL}`],
]

/** Real changes: each must change the normalised checksum. */
const REAL: ReadonlyArray<readonly [string, string]> = [
  ['a string literal changes', ORIGINAL.replace("'  two  spaces '", "'  two  spices '")],
  ['whitespace inside a string literal changes', ORIGINAL.replace("'  two  spaces '", "' two spaces '")],
  ['an identifier changes', ORIGINAL.replace('idx_users_email ON', 'idx_users_mail ON')],
  ['a keyword is added', ORIGINAL.replace('CREATE INDEX', 'CREATE UNIQUE INDEX')],
  ['a keyword changes letter case (names can be case-sensitive)', ORIGINAL.replace('bigint', 'BIGINT')],
  ['a clause is added', ORIGINAL.replace('bigint PRIMARY KEY', 'bigint PRIMARY KEY CHECK (id > 0)')],
  ['the down section changes', ORIGINAL.replace('DROP TABLE users;', 'DROP TABLE IF EXISTS users;')],
  [
    'a statement moves from up to down',
    ORIGINAL.replace(/(CREATE INDEX[^\n]*\n)([\s\S]*-- plumbline:down\n)/, '$2$1'),
  ],
  [
    'no-transaction is added',
    ORIGINAL.replace('-- plumbline:up', '-- plumbline:no-transaction\n-- plumbline:up'),
  ],
  ['two tokens that touched are set apart', ORIGINAL.replace('(email)', '( email )')],
  [
    'one statement is split in two',
    ORIGINAL.replace('email text NOT NULL\n);', 'email text NOT NULL\n); SELECT 1;'),
  ],
]

describe('checksums', () => {
  it('is the lowercase sha256 hex of the file bytes', async () => {
    const { raw } = await checksums(ORIGINAL)
    expect(raw).toBe(createHash('sha256').update(ORIGINAL).digest('hex'))
  })

  for (const [what, edited] of COSMETIC) {
    it(`keeps the normalised checksum when ${what}`, async () => {
      const before = await checksums(ORIGINAL)
      const after = await checksums(edited)
      expect(after.raw).not.toBe(before.raw)
      expect(after.normalized).toBe(before.normalized)
    })
  }

  for (const [what, edited] of REAL) {
    it(`changes the normalised checksum when ${what}`, async () => {
      expect((await checksums(edited)).normalized).not.toBe((await checksums(ORIGINAL)).normalized)
    })
  }

  it('keeps the normalised checksum when -- plumbline:up is added to a file without markers', async () => {
    const plain = await checksums('CREATE TABLE a (id int);\n')
    const marked = await checksums('-- plumbline:up\nCREATE TABLE a (id int);\n')
    expect(marked.normalized).toBe(plain.normalized)
  })

  it('treats whitespace inside a quoted identifier as real', async () => {
    const a = await checksums('CREATE TABLE "my table" (id int);')
    const b = await checksums('CREATE TABLE "my  table" (id int);')
    expect(a.normalized).not.toBe(b.normalized)
  })

  it('treats whitespace inside a dollar-quoted body as real', async () => {
    const body = (indent: string) =>
      `CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$SELECT '${indent}x'$$;\n`
    expect((await checksums(body(' '))).normalized).not.toBe((await checksums(body('  '))).normalized)
  })

  it('treats an edit inside a MySQL executable comment as real, and a plain comment as cosmetic', async () => {
    const base = await checksums('/*!40101 SET NAMES utf8 */;\nSELECT 1; /* note */', 'mysql')
    const executable = await checksums('/*!40101 SET NAMES latin1 */;\nSELECT 1; /* note */', 'mysql')
    const plain = await checksums('/*!40101 SET NAMES utf8 */;\nSELECT 1; /* other note */', 'mysql')
    expect(executable.normalized).not.toBe(base.normalized)
    expect(plain.normalized).toBe(base.normalized)
  })

  it('treats an edit inside an optimizer hint as real', async () => {
    const a = await checksums('/*+ SeqScan(t) */ SELECT * FROM t;')
    const b = await checksums('/*+ IndexScan(t) */ SELECT * FROM t;')
    expect(a.normalized).not.toBe(b.normalized)
  })

  it('keeps the normalised checksum when a MySQL DELIMITER is changed with its uses', async () => {
    const body = 'CREATE PROCEDURE p() BEGIN SELECT 1; END'
    const slashes = await checksums(`DELIMITER //\n${body}//\nDELIMITER ;\n`, 'mysql')
    const dollars = await checksums(`DELIMITER $$\n${body}$$\nDELIMITER ;\n`, 'mysql')
    expect(dollars.normalized).toBe(slashes.normalized)
  })

  it('leaves a pair’s down file out of both checksums, and gives it its own', async () => {
    const before = await load({ '0001_m.up.sql': 'SELECT 1;', '0001_m.down.sql': 'SELECT 2;' }, 'sqlite')
    const after = await load({ '0001_m.up.sql': 'SELECT 1;', '0001_m.down.sql': 'SELECT 3;' }, 'sqlite')
    expect(after.checksum).toBe(before.checksum)
    expect(after.normalizedChecksum).toBe(before.normalizedChecksum)
    expect(after.kind === 'sql' && after.downChecksum).not.toBe(before.kind === 'sql' && before.downChecksum)
  })

  it('gives a code migration a normalised checksum equal to its checksum', async () => {
    const m = await load({ '0001_m.mjs': 'export async function up(ctx) {}\n' }, 'sqlite')
    expect(m.normalizedChecksum).toBe(m.checksum)
    expect(m.checksum).toBe(createHash('sha256').update('export async function up(ctx) {}\n').digest('hex'))
  })
})
