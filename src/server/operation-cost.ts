import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { COST_OPTIONS } from './limits';

/**
 * What an operation costs against a key's budget: the number graphql-armor's cost limit computes
 * for it (the same rule and options), rounded up, at least 1 (introspection counts 0 there, and
 * every request costs the hub something). Apollo keeps parsed documents in its document store,
 * so the cost is worked out once per distinct document, not once per request.
 */
const costs = new WeakMap<DocumentNode, Map<OperationDefinitionNode, number>>();

function costsOf(schema: GraphQLSchema, document: DocumentNode): Map<OperationDefinitionNode, number> {
  let byOperation = costs.get(document);
  if (byOperation) return byOperation;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const found: number[] = [];
  // The rule reports each operation's cost as it enters it, in document order.
  validate(schema, document, [costLimitRule({ ...COST_OPTIONS, maxCost: Number.MAX_SAFE_INTEGER, onAccept: [(_ctx, { n }) => found.push(n)] })]);
  byOperation = new Map(operations.map((op, i) => [op, Math.max(1, Math.ceil(found[i] ?? 1))]));
  costs.set(document, byOperation);
  return byOperation;
}

export function operationCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): number {
  return costsOf(schema, document).get(operation) ?? 1;
}
