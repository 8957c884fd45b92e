#!/usr/bin/env bash
# `deploy/runtime.sh <dir>`: the container's runtime tree, from a built checkout: the package manifests,
# each package's dist/ (no sources), the built cashier, the launcher (dist/serve.js), the health check, an
# empty data/ folder, and node_modules with the production dependencies only (`npm prune --omit=dev`,
# offline: nothing is fetched).
# The build stage of the Dockerfile runs it; e2e/container.test.ts runs it and starts the result.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: deploy/runtime.sh <output dir>}"
[ -f dist/serve.js ] && [ -f apps/server/dist/index.js ] && [ -f apps/cashier/dist/checkout.html ] || {
  echo "deploy/runtime.sh: not built; run deploy/build.sh first" >&2
  exit 2
}
rm -rf "$out"
mkdir -p "$out/deploy" "$out/data"
cp package.json package-lock.json "$out/"
# packages/testkit is the test suites' kit: not part of the runtime tree, so not one of its workspaces.
node -e 'const f=process.argv[1],p=JSON.parse(require("fs").readFileSync(f));p.workspaces=p.workspaces.filter((w)=>w!=="packages/testkit");require("fs").writeFileSync(f,JSON.stringify(p,null,2)+"\n")' "$out/package.json"
cp -a dist "$out/dist"
cp deploy/healthcheck.mjs "$out/deploy/"
for workspace in packages/antom packages/api apps/sandbox apps/server apps/cashier; do
  mkdir -p "$out/$workspace"
  cp "$workspace/package.json" "$out/$workspace/"
  cp -a "$workspace/dist" "$out/$workspace/dist"
  if [ -d "$workspace/node_modules" ]; then cp -a "$workspace/node_modules" "$out/$workspace/node_modules"; fi
done
cp -a node_modules "$out/node_modules"
rm -f "$out/node_modules/@paydesk/testkit"
find "$out" -name ".tsbuildinfo" -delete
rm -rf "$out/apps/cashier/dist/.vite"
(cd "$out" && npm prune --omit=dev --offline --no-audit --no-fund --ignore-scripts >/dev/null)
# better-sqlite3's sources and object files are not needed once its addon is built.
rm -rf "$out/node_modules/better-sqlite3/deps" "$out/node_modules/better-sqlite3/src" \
  "$out/node_modules/better-sqlite3/build/Release/obj" "$out/node_modules/better-sqlite3/build/Release/obj.target" \
  "$out/node_modules/better-sqlite3/build/Release/.deps" "$out/node_modules/better-sqlite3/build/deps"
find "$out/node_modules" -mindepth 1 -maxdepth 1 -type d -empty -delete
echo "runtime tree in $out: $(du -sh "$out" | cut -f1)"
