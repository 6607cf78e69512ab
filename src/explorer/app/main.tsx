import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { parse, type DocumentNode } from 'graphql';
import 'graphiql/graphiql.css';
import { useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

const PLACEHOLDER = '<paste a key>';

/** The Authorization header of a headers-pane text, unless missing, unparsable or still the placeholder. */
function authorizationOf(headersJson: string | undefined): string | null {
  try {
    const headers: unknown = JSON.parse(headersJson || '{}');
    if (!headers || typeof headers !== 'object') return null;
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'authorization' && typeof value === 'string' && !value.includes(PLACEHOLDER)) return value;
    }
  } catch {
    // Half-typed JSON: no header yet.
  }
  return null;
}

/** The parsed operation text, or undefined while it does not parse (the hub then reports the syntax error). */
function documentOf(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch {
    return undefined;
  }
}

/**
 * HTTP for queries and mutations, graphql-ws on the same path for subscriptions (the headers pane becomes the
 * connection params). Header names are lower-cased, since the hub reads `connectionParams.authorization` on
 * WebSockets (HTTP header names are case-insensitive anyway), and the placeholder Authorization is left out
 * so that a request without a key says so.
 */
function createFetcher(): Fetcher {
  const base = createGraphiQLFetcher({
    url: `${location.origin}/graphql`,
    subscriptionUrl: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`,
  });
  return (params, opts) => {
    // The toolkit picks graphql-ws or HTTP from opts.documentAST, which GraphiQL refreshes 100 ms after an
    // edit: run right after changing a query into a subscription and it is still the old document, so the
    // subscription went out as an HTTP POST. Decide from the text actually being sent instead.
    const documentAST = documentOf(params.query) ?? opts?.documentAST;
    if (!opts?.headers) return base(params, { ...opts, documentAST });
    const headers: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(opts.headers)) {
      if (typeof value === 'string' && value.includes(PLACEHOLDER)) continue;
      headers[name.toLowerCase()] = value;
    }
    return base(params, { ...opts, headers, documentAST });
  };
}

function Explorer() {
  // A new fetcher makes GraphiQL introspect again: once a key is pasted, the docs and completion appear.
  const [fetcher, setFetcher] = useState<Fetcher>(() => createFetcher());
  const authorization = useRef<string | null>(authorizationOf(EXPLORER_TABS[0]?.headers ?? EXPLORER_DEFAULT_HEADERS));
  const debounce = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onEditHeaders = (value: string) => {
    clearTimeout(debounce.current);
    debounce.current = setTimeout(() => {
      const next = authorizationOf(value);
      if (next !== authorization.current) {
        authorization.current = next;
        setFetcher(() => createFetcher());
      }
    }, 400);
  };
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={EXPLORER_TABS}
      defaultHeaders={EXPLORER_DEFAULT_HEADERS}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
      onEditHeaders={onEditHeaders}
    />
  );
}

createRoot(document.getElementById('root')!).render(<Explorer />);
