// Bundles the page with esbuild into dist/, which the gateway serves.
import { copyFile, mkdir } from "node:fs/promises";
import { build } from "esbuild";

await mkdir("dist", { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: "es2022",
  outfile: "dist/main.js",
  logLevel: "warning",
});
await Promise.all(["index.html", "styles.css"].map((file) => copyFile(`src/${file}`, `dist/${file}`)));
