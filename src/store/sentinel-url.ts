import { StoreError } from "./errors.js";

/** A Redis master found through Sentinel, as `redis+sentinel://` names it. */
export interface SentinelTarget {
  /** The sentinels to ask, in the order written. */
  sentinels: { host: string; port: number }[];
  /** The master's name in the sentinels' configuration (`sentinel monitor NAME …`). */
  masterName: string;
  /** The password of the master and its replicas (not of the sentinels). */
  password?: string;
  /** The database number; default 0. */
  db: number;
  /** The key prefix (`?prefix=`), when given. */
  prefix?: string;
}

/** The form every `redis+sentinel://` URL must have, for messages and hints. */
export const sentinelUrlForm = "redis+sentinel://[:password@]HOST:PORT[,HOST:PORT…]/MASTER_NAME[?db=N&prefix=P]";

const sentinelUrl = /^redis\+sentinel:\/\/(?::([^@/]*)@)?([^/?#@]+)\/([^/?#]+)(?:\?([^#]*))?$/;
const hostPort = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

/**
 * Parses `redis+sentinel://[:password@]HOST:PORT[,HOST:PORT…]/MASTER_NAME[?db=N&prefix=P]` exactly: every
 * sentinel with its port, a master name, and no query keys but `db` (digits) and `prefix`.
 * @throws StoreError `invalid-store-url` naming what is wrong (never the password).
 */
export function parseSentinelUrl(url: string): SentinelTarget {
  const invalid = (why: string) =>
    new StoreError("invalid-store-url", `invalid store URL: ${why}`, { hint: `write ${sentinelUrlForm}` });
  const match = sentinelUrl.exec(url);
  if (!match) throw invalid("a Redis Sentinel URL needs its sentinels and a master name");
  const [, password, hosts = "", name = "", query = ""] = match;
  const sentinels = hosts.split(",").map((entry) => {
    const parts = hostPort.exec(entry);
    const port = Number(parts?.[3]);
    if (!parts || port < 1 || port > 65535) throw invalid(`sentinel ${JSON.stringify(entry)} is not HOST:PORT`);
    return { host: parts[1] ?? (parts[2] as string), port };
  });
  const target: SentinelTarget = { sentinels, masterName: decode(name, invalid), db: 0 };
  if (password !== undefined && password !== "") target.password = decode(password, invalid);
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === "db" && /^\d{1,5}$/.test(value)) target.db = Number(value);
    else if (key === "prefix") target.prefix = value;
    else
      throw invalid(
        key === "db"
          ? "db must be a database number"
          : `unknown parameter ${JSON.stringify(key)}; only db and prefix are read`,
      );
  }
  return target;
}

function decode(text: string, invalid: (why: string) => StoreError): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid("bad percent-encoding");
  }
}
