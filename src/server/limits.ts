import { ApolloArmor } from '@escape.tech/graphql-armor';

/**
 * Query limits, one set for HTTP and WebSocket. Sized for the deepest query the
 * dashboard and partner examples make (institutions > meters > readings > batch)
 * with room to spare; a rejection is QUERY_TOO_COMPLEX.
 */
export const LIMITS = {
  maxDepth: 10,
  maxCost: 20_000,
  maxAliases: 15,
  maxTokens: 5_000,
  maxDirectives: 30,
};

/** The cost rule's options; the budgets (operation-cost.ts) charge what this rule computes. */
export const COST_OPTIONS = { ignoreIntrospection: true } as const;

export function createArmor() {
  return new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth, exposeLimits: true, ignoreIntrospection: true },
    costLimit: { ...COST_OPTIONS, maxCost: LIMITS.maxCost, exposeLimits: true },
    maxAliases: { n: LIMITS.maxAliases, exposeLimits: true },
    // Tokens are counted by graphql-js's own parser (`parseOptions` in app.ts): armor's token check
    // runs in a hook outside Apollo's parse error handling, so every syntax error became a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: LIMITS.maxDirectives, exposeLimits: true },
    blockFieldSuggestion: { enabled: false },
  }).protect();
}
