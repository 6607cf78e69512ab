/**
 * The global id of a row (Relay's object identification): base64url of `Type:id`. The audit trail
 * records objects by it, so services write it as the GraphQL layer does; reading one back (and
 * refusing a malformed one) is the GraphQL layer's (graphql/relay.ts).
 */
export function toGlobalId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}
