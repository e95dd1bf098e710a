// Copy the prebuilt dist files of our front-end packages from node_modules into the package's static
// folder, so `axiskg serve` serves every script and style itself (no CDN at run time).
// Run by `npm ci` (postinstall) and `npm run build`. The target folder is gitignored.
import { copyFileSync, mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "src", "axiskg", "web", "static", "vendor");

// [package, file inside the package, name under static/vendor/]
const FILES = [
  ["@zazuko/yasgui", "build/yasgui.min.js", "yasgui.min.js"],
  ["@zazuko/yasgui", "build/yasgui.min.css", "yasgui.min.css"],
  ["cytoscape", "dist/cytoscape.min.js", "cytoscape.min.js"],
  ["vis-timeline", "standalone/umd/vis-timeline-graph2d.min.js", "vis-timeline-graph2d.min.js"],
];

mkdirSync(vendor, { recursive: true });
const manifest = {};
for (const [pkg, file, name] of FILES) {
  const pkgDir = join(root, "node_modules", pkg);
  const src = join(pkgDir, file);
  if (!existsSync(src)) {
    console.error(`bundle-static: missing ${src}; run \`npm ci\` first`);
    process.exit(1);
  }
  let text = readFileSync(src, "utf8");
  // Drop source-map comments: the maps are not shipped.
  text = text.replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*$/, "\n");
  writeFileSync(join(vendor, name), text);
  const version = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;
  manifest[name] = { package: pkg, version, file };
}
writeFileSync(join(vendor, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`bundle-static: ${FILES.length} files -> ${vendor}`);
