#!/usr/bin/env bash
# The package as a consumer gets it (`npm run package:check`, run by .ci/run): `npm run build:package` (what
# `npm pack`'s prepack runs: dist/), `npm pack`, then a fresh Hardhat 3 project outside the repository installs
# the tarball and its dependencies from the npm registry, compiles its own exchange against the package's interfaces (package-check/consumer/), deploys the
# suite from the package's Ignition module and runs a trade and a bankrupt liquidation through it.
# Prints the tarball's size and file count. Needs Node 22 (as the rest of the repository).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/perp-insurance-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

cd "$root"
npm run --silent build:package
tarball="$(npm pack --ignore-scripts --pack-destination "$work" --json | node -e '
  const [pack] = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.error(`packed ${pack.filename}: ${pack.size} bytes, ${pack.entryCount} files (${pack.unpackedSize} unpacked)`);
  for (const { path } of pack.files) {
    // Local modules deploy the mock token and feed from their artifacts; their sources, tests, reports stay out.
    if (/^contracts\/(test|mocks)\/|^dist\/typechain-types\/(factories\/)?contracts\/(test|mocks)\/|^dist\/artifacts\/contracts\/test\/|^(test|reports|scripts)\/|\.t\.sol$/.test(path)) { console.error(`unexpected file: ${path}`); process.exit(1); }
  }
  console.log(pack.filename);
')"

# The consumer's dependencies at the versions this repository is tested with.
version() { node -p "require('$root/node_modules/$1/package.json').version"; }
cp -r "$root/package-check/consumer/." "$work/"
cd "$work"
deps=(hardhat @nomicfoundation/hardhat-toolbox-mocha-ethers @nomicfoundation/hardhat-ethers
  @nomicfoundation/hardhat-ethers-chai-matchers @nomicfoundation/hardhat-ignition
  @nomicfoundation/hardhat-ignition-ethers @nomicfoundation/hardhat-keystore @nomicfoundation/hardhat-mocha
  @nomicfoundation/hardhat-network-helpers @nomicfoundation/hardhat-typechain @nomicfoundation/hardhat-verify
  @nomicfoundation/ignition-core @openzeppelin/contracts chai ethers mocha solc typescript @types/node)
node -e '
  const [tarball, ...pins] = process.argv.slice(1);
  const devDependencies = Object.fromEntries(pins.map((pin) => { const at = pin.lastIndexOf("@"); return [pin.slice(0, at), pin.slice(at + 1)]; }));
  devDependencies["perp-insurance"] = `file:./${tarball}`;
  const pkg = { name: "perp-insurance-consumer", private: true, type: "module", devDependencies };
  require("fs").writeFileSync("package.json", JSON.stringify(pkg, null, 2));
' "$tarball" $(for dep in "${deps[@]}"; do echo "$dep@$(version "$dep")"; done)
npm install --no-audit --no-fund --prefer-offline --loglevel=error
npx hardhat build --quiet
npx hardhat run scripts/check.ts
echo "package check: $((SECONDS - start)) s"
