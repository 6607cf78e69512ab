import { getArgumentValues, getNamedType, isObjectType, Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Look-ahead for connection resolvers: what the operation selects on the connection's nodes, so a
 * root resolver can read the levels below in its own statement. Directives (@skip, @include) are
 * not applied: a look-ahead may read a little more than is asked, never less.
 */

/** The fields of a selection set, inline fragments and fragment spreads flattened. */
function fieldsOf(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[] = []): FieldNode[] {
  for (const sel of set?.selections ?? []) {
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) fieldsOf(sel.selectionSet, info, out);
    else {
      const fragment = info.fragments[sel.name.value];
      if (fragment) fieldsOf(fragment.selectionSet, info, out);
    }
  }
  return out;
}

/**
 * The arguments of every selection of `field` on the nodes of the connection being resolved (under
 * `nodes` and under `edges { node }`), variables applied; empty when the field is not selected.
 */
export function nodeFieldArgs(info: GraphQLResolveInfo, field: string): Record<string, unknown>[] {
  const connection = getNamedType(info.returnType);
  if (!isObjectType(connection)) return [];
  const nodeType = getNamedType(connection.getFields().nodes?.type);
  const def = isObjectType(nodeType) ? nodeType.getFields()[field] : undefined;
  if (!def) return [];
  const out: Record<string, unknown>[] = [];
  for (const top of info.fieldNodes) {
    for (const f of fieldsOf(top.selectionSet, info)) {
      const nodeSets: (SelectionSetNode | undefined)[] = [];
      if (f.name.value === 'nodes') nodeSets.push(f.selectionSet);
      else if (f.name.value === 'edges') for (const e of fieldsOf(f.selectionSet, info)) if (e.name.value === 'node') nodeSets.push(e.selectionSet);
      for (const set of nodeSets) {
        for (const n of fieldsOf(set, info)) if (n.name.value === field) out.push(getArgumentValues(def, n, info.variableValues));
      }
    }
  }
  return out;
}
