import type { ApolloServerPlugin } from '@apollo/server';
import { rateLimitedGraphQLError, rateLimitHeaders, type KeyBudgets, type Verdict } from '../access/budget';
import type { Context } from '../graphql/context';
import { operationCost } from './operation-cost';

/**
 * Charges each HTTP GraphQL request to its key's budget once the operation is known (its cost is
 * the cost limit's figure for it), refuses it with 429 RATE_LIMITED when the key has spent its
 * budget, and puts the RateLimit headers on every answer to a known key.
 */
export function budgetPlugin(budgets: KeyBudgets): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      /** undefined: not charged yet; null: budgets off or the counter unreachable. */
      let verdict: Verdict | null | undefined;
      return {
        async didResolveOperation({ contextValue, document, operation, schema }) {
          verdict = await budgets.charge(contextValue.principal, operation ? operationCost(schema, document, operation) : 1);
          if (verdict && !verdict.allowed) throw rateLimitedGraphQLError(verdict);
        },
        async willSendResponse({ contextValue, response }) {
          // A request that never got to run (a syntax or validation error) still costs one point.
          if (verdict === undefined && contextValue?.principal) verdict = await budgets.charge(contextValue.principal, 1);
          if (verdict) for (const [name, value] of rateLimitHeaders(verdict)) response.http.headers.set(name, value);
        },
      };
    },
  };
}
