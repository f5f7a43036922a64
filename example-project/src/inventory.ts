/**
 * The flash-sale purchase on a real embedded PostgreSQL (PGlite): the racy version and the
 * three fixes from the article. `Db` is the part of PGlite's API they use; in race mode
 * vitest-race sees each statement as reads and writes of rows (`items[id='1'].stock`).
 */

/** A query function and a transaction, as PGlite provides them. */
export interface Db {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>
  transaction<T>(fn: (tx: Pick<Db, 'query'>) => Promise<T>): Promise<T>
}

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, stock int NOT NULL, version int NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, item int NOT NULL);
`

/** The bug: SELECT the stock, then UPDATE it to what was read minus one: concurrent buyers oversell. */
export async function purchaseRacy(db: Db, item: number): Promise<boolean> {
  const { rows } = await db.query<{ stock: number }>('SELECT stock FROM items WHERE id = $1', [item])
  const stock = rows[0]!.stock
  if (stock <= 0) return false
  await db.query('UPDATE items SET stock = $1 WHERE id = $2', [stock - 1, item])
  await db.query('INSERT INTO orders (item) VALUES ($1)', [item])
  return true
}

/** Fix 1: one atomic UPDATE … WHERE stock > 0; the database decides. */
export async function purchaseAtomic(db: Db, item: number): Promise<boolean> {
  const { affectedRows } = await db.query('UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', [item])
  if (affectedRows !== 1) return false
  await db.query('INSERT INTO orders (item) VALUES ($1)', [item])
  return true
}

/** Fix 2: SELECT … FOR UPDATE inside a transaction: the row is locked from the read to the write. */
export async function purchaseForUpdate(db: Db, item: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ stock: number }>('SELECT stock FROM items WHERE id = $1 FOR UPDATE', [item])
    if (rows[0]!.stock <= 0) return false
    await tx.query('UPDATE items SET stock = stock - 1 WHERE id = $1', [item])
    await tx.query('INSERT INTO orders (item) VALUES ($1)', [item])
    return true
  })
}

/** Fix 3: optimistic locking: the UPDATE only applies if the version is still the one read; else retry. */
export async function purchaseOptimistic(db: Db, item: number): Promise<boolean> {
  for (;;) {
    const { rows } = await db.query<{ stock: number; version: number }>('SELECT stock, version FROM items WHERE id = $1', [item])
    const { stock, version } = rows[0]!
    if (stock <= 0) return false
    const { affectedRows } = await db.query('UPDATE items SET stock = $1, version = version + 1 WHERE id = $2 AND version = $3', [stock - 1, item, version])
    if (affectedRows === 1) {
      await db.query('INSERT INTO orders (item) VALUES ($1)', [item])
      return true
    }
  }
}
