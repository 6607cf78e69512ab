/**
 * A partner application's Apollo Client 4 against the hub: the key in the Authorization header, and the
 * institutions connection paged with `relayStylePagination` (the cache merges the pages into one list).
 * Run: `npm run build && node dist/examples/apollo-client/institutions.js http://127.0.0.1:4000/graphql <api key>`.
 */
import { ApolloClient, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

export interface InstitutionsPage {
  institutions: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string; name: string; nameZh: string } }>;
  };
}

export const INSTITUTIONS: TypedDocumentNode<InstitutionsPage, { first: number; after?: string | null }> = gql`
  query ExampleInstitutions($first: Int!, $after: String) {
    institutions(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name nameZh } }
    }
  }
`;

export function createClient(url: string, apiKey: string): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${apiKey}` } }),
    cache: new InMemoryCache({ typePolicies: { Query: { fields: { institutions: relayStylePagination(['filter']) } } } }),
  });
}

/** The first `pages` pages of `pageSize` institutions, fetched one after the other and merged by the cache. */
export async function firstPages(client: ApolloClient, pageSize: number, pages: number): Promise<InstitutionsPage['institutions']> {
  const watch = client.watchQuery({ query: INSTITUTIONS, variables: { first: pageSize } });
  let result = await watch.refetch();
  for (let page = 1; page < pages && result.data?.institutions.pageInfo.hasNextPage; page++) {
    result = await watch.fetchMore({ variables: { after: result.data.institutions.pageInfo.endCursor } });
  }
  const merged = client.readQuery({ query: INSTITUTIONS, variables: { first: pageSize } });
  if (!merged) throw new Error('nothing in the cache');
  return merged.institutions;
}

if (require.main === module) {
  const [url, key] = process.argv.slice(2);
  firstPages(createClient(url, key), 5, 2).then(
    (list) => console.log(`${list.edges.length} of ${list.totalCount} institutions:\n${list.edges.map((e) => `  ${e.node.name}`).join('\n')}`),
    (err: unknown) => {
      console.error(String(err));
      process.exit(1);
    },
  );
}
