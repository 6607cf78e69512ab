import { registerEnumType } from 'type-graphql';

/** GHG Protocol scopes as the Chinese public-institution guidelines use them (location-based). */
export enum EmissionScope {
  /** Fuels burnt on site and in vehicles. */
  SCOPE1 = 'SCOPE1',
  /** Purchased electricity and heat. */
  SCOPE2 = 'SCOPE2',
}

registerEnumType(EmissionScope, { name: 'EmissionScope' });
