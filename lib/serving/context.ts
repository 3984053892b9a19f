/**
 * What the protocol front ends (HTTP, gRPC) share: the models, the options, readiness and
 * the count of requests in flight that a graceful close waits for.
 */
import { ServingError } from './errors.js';
import type { ModelHost } from './models.js';
import type { ServeConfig } from './options.js';

/**
 * The state both front ends read: models, options, readiness, requests in flight.
 * @example
 * const done = ctx.begin();
 * try { reply(await ctx.host(name).infer(x)); } finally { done(); }
 */
export class ServingContext {
  #inFlight = 0;
  #closing = false;
  readonly #idle: (() => void)[] = [];
  readonly #closeListeners = new Set<() => void>();

  constructor(
    readonly config: ServeConfig,
    readonly hosts: ReadonlyMap<string, ModelHost>,
    /** The package version, for server metadata. */
    readonly version: string,
  ) {}

  /** False once close() began: health checks say so, new requests get UNAVAILABLE. */
  get ready(): boolean {
    return !this.#closing;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The model `name` (and `version`: empty, or `'1'`); NOT_FOUND naming the models there are. */
  host(name: string, version = ''): ModelHost {
    const host = this.hosts.get(name);
    if (!host) {
      const known = [...this.hosts.keys()].map((n) => `"${n}"`).join(', ');
      throw new ServingError('NOT_FOUND', `unknown model "${name}"; this server has ${known}`);
    }
    if (version !== '' && version !== host.version) {
      throw new ServingError('NOT_FOUND', `model "${name}" has no version "${version}"; it has version "${host.version}"`);
    }
    return host;
  }

  /** Counts a request in flight; call the returned function when its response is sent. */
  begin(): () => void {
    this.#inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight--;
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    };
  }

  /** Resolves when no request is in flight. */
  whenIdle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Calls `listener` once, when close() begins (health Watch streams end then). Returns an unsubscribe. */
  onClose(listener: () => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Marks the server closing and tells the listeners. */
  startClosing(): void {
    if (this.#closing) return;
    this.#closing = true;
    for (const listener of [...this.#closeListeners]) listener();
    this.#closeListeners.clear();
  }
}
