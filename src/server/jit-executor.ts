import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { execute, getVariableValues, GraphQLError, printSchema, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { BoundedMap } from '../bounded-map';
import type { Metrics } from './metrics';

/** Operations kept compiled; a hub serves a few dozen shapes, hostile clients many more. */
const MAX_COMPILED = 500;

/**
 * Runs operations through graphql-jit: each (document, operation name) asked again is compiled to a
 * function once and then executed without graphql-js's per-field interpretation. The resolvers are the
 * schema's own (type-graphql's, the guard, rounding and input-limit wrappers), so access, figures
 * and errors come from the same code. graphql-js still runs what graphql-jit cannot compile,
 * subscriptions, and a document without a resolved operation (its error is then graphql-js's).
 */
export function jitExecutor(schema: GraphQLSchema, executions: Metrics['executions']): GatewayExecutor {
  const operations = new BoundedMap<string, { seen: boolean; query?: CompiledQuery | null }>(MAX_COMPILED);
  const [jitRuns, graphqlJsRuns] = [executions.labels('jit'), executions.labels('graphql-js')];
  return async ({ document, operation, operationName, queryHash, request, context }) => {
    const fallback = () => {
      graphqlJsRuns.inc();
      return execute({ schema, document, contextValue: context, variableValues: request.variables, operationName: request.operationName });
    };
    if (!operation || operation.operation === 'subscription' || !queryHash) return fallback();
    // Compiling costs a few times one run (4 to 13 ms for our usual shapes): an operation is compiled
    // when it comes a second time, so one-off (or hostile, unique) operations never pay for it.
    const entry = operations.getOrCompute(`${operationName ?? ''}\n${queryHash}`, () => ({ seen: false }));
    if (entry.query === undefined) {
      if (!entry.seen) {
        entry.seen = true;
        return fallback();
      }
      const made = compileQuery(schema, document, request.operationName ?? undefined, {
        // Stacks never leave the server; a resolver's own error keeps its stack for the log.
        disablingCapturingStackErrors: true,
        // graphql-js's semantics for @skip/@include on fragment spreads (graphql-jit's older way differs).
        useExperimentalPathBasedSkipInclude: true,
      });
      entry.query = isCompiledQuery(made) ? made : null;
    }
    if (!entry.query) return fallback();
    const result = await entry.query.query(undefined, context, request.variables ?? {});
    // graphql-jit coerces the variables itself (a batch of 1,000 readings was coerced twice when
    // graphql-js did it first). When it refuses them, graphql-js's messages (and Apollo's
    // BAD_USER_INPUT and HTTP 400 for them) are the client's answer; should graphql-js accept what
    // graphql-jit refused, graphql-js runs the operation.
    if (!('data' in result)) {
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 50 });
      if (!coerced.errors) return fallback();
      jitRuns.inc();
      return { errors: coerced.errors };
    }
    jitRuns.inc();
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
}

/**
 * graphql-jit's errors imitate GraphQLError but leave `extensions` undefined when the cause has
 * none, which Apollo's error formatting does not survive: each becomes a graphql-js GraphQLError
 * with the same message, path, locations and cause (so formatError maps it as before).
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const made = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined });
  // Its locations were computed when compiling; there are no AST nodes to compute them from here.
  return Object.assign(made, { locations: error.locations });
}

/**
 * The hub's own schema as an Apollo "gateway": Apollo Server 5 takes a custom executor only
 * through this interface (`load` returns the executor; the schema never changes).
 */
export function jitGateway(schema: GraphQLSchema, metrics: Metrics): GatewayInterface {
  const listeners = new Set<Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0]>();
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      const coreSupergraphSdl = printSchema(schema);
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl });
      return { executor: jitExecutor(schema, metrics.executions) };
    },
    async stop() {
      listeners.clear();
    },
  };
}
