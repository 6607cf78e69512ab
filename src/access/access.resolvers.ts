import { ApiKeyResolver, ViewerResolver } from './access.resolver';

export const AccessResolvers = [ViewerResolver, ApiKeyResolver] as const;
