/**
 * The Relay example's operations, read by relay-compiler (`npx relay-compiler` in this folder writes
 * __generated__/). Never imported at run time: without the Babel plugin, `graphql` tags are not
 * replaced, so institutions.ts imports the generated artifacts themselves.
 */
declare const graphql: (strings: TemplateStringsArray) => unknown;

export const query = graphql`
  query ExampleInstitutionsRelayQuery($first: Int!, $after: String) {
    ...ExampleInstitutionList_query @arguments(first: $first, after: $after)
  }
`;

export const list = graphql`
  fragment ExampleInstitutionList_query on Query
  @argumentDefinitions(first: { type: "Int!" }, after: { type: "String" })
  @refetchable(queryName: "ExampleInstitutionListPaginationQuery") {
    institutions(first: $first, after: $after) @connection(key: "ExampleInstitutionList_institutions") {
      totalCount
      edges { node { id name nameZh } }
    }
  }
`;
