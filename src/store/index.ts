export type { DigestRecord, DigestStore, StoreCallOptions, StoreFilter, StoreKey, StoreScope } from "./types.js";
export { platformKey, parsePlatformKey, matchesFilter, isStoreScope } from "./types.js";
export { StoreError, type StoreErrorCode } from "./errors.js";
export { MemoryDigestStore } from "./memory.js";
export { SqliteDigestStore } from "./sqlite.js";
export { RedisDigestStore, type RedisStoreOptions } from "./redis.js";
export { openStore, defaultStoreFile, type OpenStoreOptions } from "./open.js";
export { parseSentinelUrl, sentinelUrlForm, type SentinelTarget } from "./sentinel-url.js";
