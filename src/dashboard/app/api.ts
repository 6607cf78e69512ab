import { createClient, type Client } from 'graphql-ws';

export interface GqlError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string };
}

export interface GqlResponse<T> {
  data: T | null;
  errors: GqlError[];
}

/** The request failed as a whole (bad key, network, server); field errors come back in GqlResponse.errors. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type LiveStatus = 'connecting' | 'live' | 'offline';

/** True when the field at `root` (or anything under it) was denied to this key. */
export function isForbidden(errors: GqlError[], root?: string): boolean {
  return errors.some((e) => e.extensions?.code === 'FORBIDDEN' && (root === undefined || e.path?.[0] === root));
}

/** GraphQL over HTTP and graphql-ws for one API key; the key travels in headers and connectionParams only. */
export class Api {
  private ws: Client | null = null;
  private readonly httpUrl: string;
  private readonly wsUrl: string;

  constructor(
    private readonly key: string,
    base: string = location.href,
  ) {
    const url = new URL('/graphql', base);
    this.httpUrl = url.toString();
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.wsUrl = url.toString();
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<GqlResponse<T>> {
    let res: Response;
    try {
      res = await fetch(this.httpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (err) {
      throw new ApiError('NETWORK', err instanceof Error ? err.message : String(err));
    }
    const body = (await res.json()) as { data?: T | null; errors?: GqlError[] };
    const errors = body.errors ?? [];
    if (res.status === 401 || errors[0]?.extensions?.code === 'UNAUTHENTICATED') {
      throw new ApiError('UNAUTHENTICATED', errors[0]?.message ?? 'unauthenticated');
    }
    if (!res.ok && !body.data) throw new ApiError(errors[0]?.extensions?.code ?? `HTTP_${res.status}`, errors[0]?.message ?? res.statusText);
    return { data: body.data ?? null, errors };
  }

  /** One socket for all subscriptions; it reconnects on its own after a drop. */
  connect(onStatus: (status: LiveStatus) => void): void {
    this.ws = createClient({
      url: this.wsUrl,
      connectionParams: { authorization: `Bearer ${this.key}` },
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      on: {
        connecting: () => onStatus('connecting'),
        connected: () => onStatus('live'),
        closed: () => onStatus('offline'),
      },
    });
  }

  /** Returns the unsubscribe function. A denied subscription calls onDenied and stays silent. */
  subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void, onDenied: () => void = () => {}): () => void {
    if (!this.ws) throw new Error('connect() first');
    return this.ws.subscribe<T>(
      { query, variables },
      {
        next: (msg) => {
          if (msg.data) onData(msg.data as T);
        },
        error: () => onDenied(),
        complete: () => {},
      },
    );
  }

  dispose(): void {
    void this.ws?.dispose();
    this.ws = null;
  }
}
