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

/** The selection sets of the nodes of the connection being resolved: under `nodes` and under `edges { node }`. */
function nodeSelections(info: GraphQLResolveInfo): (SelectionSetNode | undefined)[] {
  const sets: (SelectionSetNode | undefined)[] = [];
  for (const top of info.fieldNodes) {
    for (const f of fieldsOf(top.selectionSet, info)) {
      if (f.name.value === 'nodes') sets.push(f.selectionSet);
      else if (f.name.value === 'edges') for (const e of fieldsOf(f.selectionSet, info)) if (e.name.value === 'node') sets.push(e.selectionSet);
    }
  }
  return sets;
}

/** The names of the fields selected on the nodes of the connection being resolved. */
export function nodeFieldNames(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  for (const set of nodeSelections(info)) for (const n of fieldsOf(set, info)) names.add(n.name.value);
  return names;
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
  for (const set of nodeSelections(info)) {
    for (const n of fieldsOf(set, info)) if (n.name.value === field) out.push(getArgumentValues(def, n, info.variableValues));
  }
  return out;
}
