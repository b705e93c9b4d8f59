// tsc does not keep the executable bit; the bin entry needs it for `npm link` and direct runs.
import { chmodSync } from "node:fs";
chmodSync(new URL("../dist/cli/bin.js", import.meta.url), 0o755);
