/**
 * A partner application's Relay environment against the hub, without React: a network function that sends
 * the compiled operation text with the key, a store, and the institutions connection paged the way
 * usePaginationFragment does (the refetchable pagination query with `after`; Relay's connection handler
 * appends the new edges to the same connection in the store).
 * Run: `npm run build && node dist/examples/relay/institutions.js http://127.0.0.1:4000/graphql <api key>`.
 */
import { Environment, Network, RecordSource, Store, createOperationDescriptor, fetchQuery, getSingularSelector, type GraphQLResponse } from 'relay-runtime';
import type { ExampleInstitutionList_query$data } from './__generated__/ExampleInstitutionList_query.graphql';
import ListFragment from './__generated__/ExampleInstitutionList_query.graphql';
import PaginationQuery from './__generated__/ExampleInstitutionListPaginationQuery.graphql';
import FirstQuery from './__generated__/ExampleInstitutionsRelayQuery.graphql';

export function createEnvironment(url: string, apiKey: string): Environment {
  return new Environment({
    network: Network.create(async (params, variables) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ query: params.text, operationName: params.name, variables }),
      });
      return (await res.json()) as GraphQLResponse;
    }),
    store: new Store(new RecordSource()),
  });
}

/** What @connection adds to the fragment's reader: the page info Relay pages with. */
type ConnectionData = ExampleInstitutionList_query$data['institutions'] & { pageInfo: { hasNextPage: boolean; endCursor: string | null } };

/** The first `pages` pages of `pageSize` institutions, as the connection in Relay's store holds them after paging. */
export async function firstPages(environment: Environment, pageSize: number, pages: number): Promise<ConnectionData> {
  await fetchQuery(environment, FirstQuery, { first: pageSize }).toPromise();
  const root = environment.lookup(createOperationDescriptor(FirstQuery, { first: pageSize }).fragment).data;
  const selector = getSingularSelector(ListFragment, root);
  const read = () => (environment.lookup(selector).data as unknown as { institutions: ConnectionData }).institutions;
  for (let page = 1; page < pages && read().pageInfo.hasNextPage; page++) {
    await fetchQuery(environment, PaginationQuery, { first: pageSize, after: read().pageInfo.endCursor }).toPromise();
  }
  return read();
}

if (require.main === module) {
  const [url, key] = process.argv.slice(2);
  firstPages(createEnvironment(url, key), 5, 2).then(
    (list) => console.log(`${list.edges?.length} of ${list.totalCount} institutions:\n${(list.edges ?? []).map((e) => `  ${e?.node?.name}`).join('\n')}`),
    (err: unknown) => {
      console.error(String(err));
      process.exit(1);
    },
  );
}
