/** A connection, expensive to create. */
export interface Connection {
  readonly id: number
}

/** The bug: `if (!db) db = await connect()` creates two connections under concurrency. */
export class RacyConnectionHolder {
  db: Connection | undefined
  constructor(private readonly connect: () => Promise<Connection>) {}

  async get(): Promise<Connection> {
    if (!this.db) this.db = await this.connect()
    return this.db
  }
}

/** Fixed: the promise is cached, so every caller shares one connect(). */
export class FixedConnectionHolder {
  db: Promise<Connection> | undefined
  constructor(private readonly connect: () => Promise<Connection>) {}

  get(): Promise<Connection> {
    return (this.db ??= this.connect())
  }
}
