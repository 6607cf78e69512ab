import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import 'graphiql/graphiql.css';
import { useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

const PLACEHOLDER = '<paste a key>';

/** The parsed operation text, or undefined while it does not parse (the hub then reports the syntax error). */
function documentOf(query: string): DocumentNode | undefined {
  try {
    return parse(query);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return undefined;
  }
}

/** Where the key lives: for this browser tab's session only, never in the page or the tabs' headers. */
const KEY_STORAGE = 'ewc-hub.explorer.apiKey';

function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

/**
 * HTTP for queries and mutations, graphql-ws on the same path for subscriptions (the headers become the
 * connection params). Header names are lower-cased, since the hub reads `connectionParams.authorization` on
 * WebSockets (HTTP header names are case-insensitive anyway); a placeholder Authorization is left out, and
 * without an Authorization of the tab's own, the key of the key bar is sent: entered once, it serves every tab.
 */
function createFetcher(key: string | null): Fetcher {
  const base = createGraphiQLFetcher({
    url: `${location.origin}/graphql`,
    subscriptionUrl: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`,
  });
  return (params, opts) => {
    // The toolkit picks graphql-ws or HTTP from opts.documentAST, which GraphiQL refreshes 100 ms after an
    // edit: run right after changing a query into a subscription and it is still the old document, so the
    // subscription went out as an HTTP POST. Decide from the text actually being sent instead.
    const documentAST = documentOf(params.query) ?? opts?.documentAST;
    const headers: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(opts?.headers ?? {})) {
      if (typeof value === 'string' && value.includes(PLACEHOLDER)) continue;
      headers[name.toLowerCase()] = value;
    }
    if (key && headers.authorization === undefined) headers.authorization = `Bearer ${key}`;
    // Without a key the hub answers 401: say what to do instead of asking (and logging a failed request).
    if (headers.authorization === undefined && params.operationName === 'IntrospectionQuery') {
      return Promise.resolve({ errors: [new GraphQLError('Enter an API key above: the schema, docs and completion appear with it.')] });
    }
    return base(params, { ...opts, headers, documentAST });
  };
}

/** The key bar: a password field until a key is entered, then the key's public prefix and a button to remove it. */
function KeyBar(props: { keyInUse: string | null; onChange: (key: string | null) => void }) {
  const input = useRef<HTMLInputElement>(null);
  if (props.keyInUse) {
    const prefix = props.keyInUse.split('_').slice(0, 2).join('_');
    return (
      <div className="ewc-keybar">
        <span>
          API key <code>{prefix}_…</code> is sent with every tab and subscription (kept for this browser session only).
        </span>
        <button type="button" onClick={() => props.onChange(null)}>
          Remove key
        </button>
      </div>
    );
  }
  const use = () => {
    const key = input.current?.value.trim().replace(/^Bearer\s+/i, '') ?? '';
    if (input.current) input.current.value = '';
    if (key) props.onChange(key);
  };
  return (
    <form
      className="ewc-keybar"
      onSubmit={(e) => {
        e.preventDefault();
        use();
      }}
    >
      <label htmlFor="ewc-key">API key</label>
      <input id="ewc-key" ref={input} type="password" autoComplete="off" placeholder="ewc_… (npm start prints the demo keys)" />
      <button type="submit">Use key</button>
      <span>Entered once, it applies to every tab and to subscriptions.</span>
    </form>
  );
}

function Explorer() {
  const [key, setKey] = useState<string | null>(() => storedKey());
  // A new fetcher makes GraphiQL introspect again: once a key is entered, the docs and completion appear.
  const fetcher = useMemo(() => createFetcher(key), [key]);
  const onChange = (next: string | null) => {
    if (next) sessionStorage.setItem(KEY_STORAGE, next);
    else sessionStorage.removeItem(KEY_STORAGE);
    setKey(next);
  };
  return (
    <div className="ewc-explorer">
      <KeyBar keyInUse={key} onChange={onChange} />
      <div className="ewc-graphiql">
        <GraphiQL
          fetcher={fetcher}
          defaultTabs={EXPLORER_TABS}
          defaultHeaders={EXPLORER_DEFAULT_HEADERS}
          defaultEditorToolsVisibility="variables"
          isHeadersEditorEnabled
        />
      </div>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<Explorer />);
