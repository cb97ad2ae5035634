/**
 * SQLite's keywords (https://sqlite.org/lang_keywords.html, 147 as of 3.53). A bare word in this
 * set is written in upper case by the normaliser; an identifier spelled like one is quoted, since
 * only some of them may stand unquoted as names and which ones depends on the grammar position.
 */
export const SQLITE_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN ' +
    'BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS ' +
    'CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE ' +
    'DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL ' +
    'FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE ' +
    'IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST ' +
    'LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ' +
    'ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE ' +
    'REFERENCES REGEXP REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS ' +
    'SAVEPOINT SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION ' +
    'UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT'
  ).split(' '),
)

const LONGEST = 17

/** The keywords in a fixed order: a token keeps its keyword as a small number into this list. */
export const SQLITE_KEYWORD_LIST: ReadonlyArray<string> = [...SQLITE_KEYWORDS]

/** Keyword numbers by a hash of the upper-case spelling, so a look-up needs no string of its own. */
const BY_HASH = new Map<number, number[]>()
SQLITE_KEYWORD_LIST.forEach((keyword, index) => {
  const hash = upperHash(keyword, 0, keyword.length)
  const list = BY_HASH.get(hash)
  if (list === undefined) BY_HASH.set(hash, [index + 1])
  else list.push(index + 1)
})

function upperHash(text: string, start: number, end: number): number {
  let hash = end - start
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    hash = (Math.imul(hash, 31) + (c >= 97 && c <= 122 ? c - 32 : c)) | 0
  }
  return hash
}

/**
 * The keyword spelled by `text[start, end)` in any case, as its number in
 * {@link SQLITE_KEYWORD_LIST} plus one; 0 when the word is not a keyword. Reads the characters in
 * place: tokenizing a schema looks up every word, and a string per word would be most of the
 * garbage introspection makes.
 */
export function keywordNumberAt(text: string, start: number, end: number): number {
  if (end - start > LONGEST) return 0
  const candidates = BY_HASH.get(upperHash(text, start, end))
  if (candidates === undefined) return 0
  for (const number of candidates) {
    const keyword = SQLITE_KEYWORD_LIST[number - 1]!
    if (keyword.length !== end - start) continue
    let same = true
    for (let i = 0; same && i < keyword.length; i++) {
      const c = text.charCodeAt(start + i)
      same = (c >= 97 && c <= 122 ? c - 32 : c) === keyword.charCodeAt(i)
    }
    if (same) return number
  }
  return 0
}
