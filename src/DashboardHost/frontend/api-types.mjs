// Generates src/api/schema.d.ts, the pages' types of the engine's HTTP API, from src/api/openapi.json (the
// engine's OpenAPI document, which the build writes: DashboardHost.csproj, target OpenApiDocument). Writes only
// when the types change, so that an unchanged contract does not rebuild the pages. See docs/architecture.md#contracts.
import { readFile, writeFile } from "node:fs/promises";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";

const source = new URL("./src/api/openapi.json", import.meta.url);
const target = new URL("./src/api/schema.d.ts", import.meta.url);

const types = COMMENT_HEADER + astToString(await openapiTS(source));
const current = await readFile(target, "utf8").catch(() => null);
if (current !== types) {
  await writeFile(target, types);
  console.log("api-types: src/api/schema.d.ts written");
}
