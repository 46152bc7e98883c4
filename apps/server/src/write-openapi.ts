import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { openApiYaml } from "./introspection.ts";

export const OPENAPI_FILE = fileURLToPath(new URL("../../../openapi/openapi.yml", import.meta.url));

await writeFile(OPENAPI_FILE, await openApiYaml());
process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
