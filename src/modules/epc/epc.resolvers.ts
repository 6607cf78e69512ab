import { EpcAssetResolver, EpcContractFieldsResolver, EpcPaymentResolver } from './epc-contract.resolver';
import { EpcResolver } from './epc.resolver';
import { EscoResolver } from './esco.resolver';

export const EpcResolvers = [EpcResolver, EscoResolver, EpcContractFieldsResolver, EpcAssetResolver, EpcPaymentResolver] as const;
