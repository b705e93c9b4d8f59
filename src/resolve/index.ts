/** Resolution of references to digests: the interface, and the registry-backed resolver. */
export type { IndexEntry, Resolution, ResolutionSource, ResolveOptions, Resolver } from "./types.js";
export { RegistryResolver, type DeriveOptions, type RegistryResolverOptions } from "./registry-resolver.js";
export {
  FallbackResolver,
  FallbackUnavailableError,
  type FallbackResolverOptions,
  type FallbackResolveOptions,
} from "./fallback.js";
