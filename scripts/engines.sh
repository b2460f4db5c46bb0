#!/usr/bin/env bash
# Builds the upstream engines pinned in lib/engines.json from the Go module proxy into .engines/
# (git-ignored): `npm run engines [name...]`. A binary is rebuilt only when its pin (or the Go
# version) changes; Go's module and build caches make a rebuild in a fresh clone a link step.
# Nothing is downloaded from release pages.
#
#   ENGINES_DIR   where binaries go (default: <repo>/.engines)
#
# Prints one line per engine: name, version, path. Exit 1 when a build fails (its log is printed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pins="$root/lib/engines.json"
dir="${ENGINES_DIR:-$root/.engines}"
mkdir -p "$dir/bin" "$dir/src" "$dir/logs"

command -v go >/dev/null || { echo "engines: Go is not installed (needed for npm run conformance / e2e, not for npm test)" >&2; exit 1; }
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0

# The value of one field of one pin, '' when absent.
pin() { node -e 'const p=require(process.argv[1])[process.argv[2]]||{};const v=p[process.argv[3]];process.stdout.write(v===undefined?"":typeof v==="string"?v:JSON.stringify(v))' "$pins" "$1" "$2"; }

build() {
  local name="$1" module version package binary ldflags replace stamp src out
  module="$(pin "$name" module)"; version="$(pin "$name" version)"; package="$(pin "$name" package)"
  binary="$(pin "$name" binary)"; ldflags="$(pin "$name" ldflags)"; replace="$(pin "$name" replace)"
  [ -n "$module" ] && [ -n "$package" ] || { echo "engines: no pin named $name in lib/engines.json" >&2; return 1; }
  out="$dir/bin/$binary"
  stamp="$(printf '%s\n' "$module" "$version" "$package" "$ldflags" "$replace" "$(go env GOVERSION)" | sha256sum | cut -c1-16)"
  if [ -x "$out" ] && [ "$(cat "$dir/bin/.$binary.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$name $version $out (cached)"; return 0
  fi
  # A wrapper module: requiring the pinned module (and repeating its replace directives) builds it
  # with exactly the dependency versions its own go.mod selects.
  src="$dir/src/$name"
  rm -rf "$src"; mkdir -p "$src"
  local log="$dir/logs/$name.log"
  (
    cd "$src"
    go mod init "engines.local/$name" >/dev/null 2>&1
    if [ -n "$replace" ]; then
      node -e 'for (const [k,v] of Object.entries(JSON.parse(process.argv[1]))) console.log(k+"="+v)' "$replace" |
        while IFS= read -r r; do go mod edit -replace="$r"; done
    fi
    go get "$package@$version"
    go build -trimpath -ldflags="-s -w $ldflags" -o "$out.tmp" "$package"
  ) >"$log" 2>&1 || { echo "engines: building $name $version failed:" >&2; tail -40 "$log" >&2; return 1; }
  mv "$out.tmp" "$out"
  echo "$stamp" >"$dir/bin/.$binary.stamp"
  echo "$name $version $out (built)"
}

# Module sources (the Kubernetes OpenAPI, cert-manager's CRDs and chart, trust-manager's chart) come from the module cache, not a build.
module_src() {
  local name="$1" module version d
  module="$(pin "$name" module)"; version="$(pin "$name" version)"
  d="$(go mod download -json "$module@$version" | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir)})')"
  ln -sfn "$d" "$dir/$name"
  echo "$name $version $dir/$name (module source)"
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(kubeconform helm kustomize kyverno kubernetes cert-manager trust-manager)
for n in "${names[@]}"; do
  if [ -z "$(pin "$n" package)" ] && [ -n "$(pin "$n" module)" ]; then module_src "$n"; else build "$n"; fi
done
