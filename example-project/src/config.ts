import { Atomic } from 'vitest-race'

/** Where the service connects: host and port must always belong together. */
export interface Config {
  host: string
  port: number
}

/** Fetches the new value of one setting: I/O the reload waits for. */
export type Fetch = <K extends keyof Config>(key: K) => Promise<Config[K]>

/** The bug: a hot reload replaces the settings one by one, and a reader can see a mix. */
export class RacyConfigStore {
  readonly current: Config = { host: 'db-1', port: 5432 }
  constructor(private readonly fetch: Fetch) {}

  async reload(): Promise<void> {
    this.current.host = await this.fetch('host')
    this.current.port = await this.fetch('port')
  }

  read(): Config {
    return { host: this.current.host, port: this.current.port }
  }
}

/** Fixed: the new settings are built apart and swapped in as one immutable object. */
export class FixedConfigStore {
  readonly current = new Atomic<Readonly<Config>>(Object.freeze({ host: 'db-1', port: 5432 }))
  constructor(private readonly fetch: Fetch) {}

  async reload(): Promise<void> {
    const host = await this.fetch('host')
    const port = await this.fetch('port')
    this.current.store(Object.freeze({ host, port }))
  }

  read(): Config {
    const c = this.current.load()
    return { host: c.host, port: c.port }
  }
}
