/** Compiled in by src/explorer/build.ts (esbuild `define`): one tab per schema/operations/*.graphql file. */
declare const EXPLORER_TABS: Array<{ query: string; variables?: string; headers?: string }>;
/** The headers pane's default: `{}` (the key bar supplies the key). */
declare const EXPLORER_DEFAULT_HEADERS: string;
