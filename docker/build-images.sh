#!/usr/bin/env bash
# Builds the EMM container images from the repository root.
#
#   docker/build-images.sh [--registry REG] [--tag TAG] [--no-gpu] [--skip-maven] [--push] [SERVICE...]
#
# Defaults: registry "emm", tag = the Maven project version, all four services, JVM images for all
# of them plus GPU images (tag suffix "-gpu") for trainer-service and sampler-service.
# Image names: REG/<service>:TAG and REG/<service>:TAG-gpu, which is what helm/emm/values.yaml and
# k8s/ expect (image.registry + services.<name>.image.repository).
#
# Environment: DOCKER (default docker; podman and nerdctl take the same arguments),
#              MVN_ARGS (extra Maven arguments), PYTORCH_FLAVOR (GPU libtorch flavor, default cu128).
# The GPU build downloads DJL's CUDA libtorch (about 2.5 GB) during `docker build`, so it needs
# network access from the builder; see docs/DEPLOY.md.
set -euo pipefail

SCRIPT="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SCRIPT")/.."
DOCKER="${DOCKER:-docker}"
REGISTRY="emm"
TAG=""
GPU=1
MAVEN=1
PUSH=0
SERVICES=()
ALL_SERVICES=(orchestrator trainer-service sampler-service metric-service)
GPU_SERVICES=(trainer-service sampler-service)

usage() { sed -n '2,14p' "$SCRIPT" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --registry) REGISTRY="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    --no-gpu) GPU=0; shift ;;
    --skip-maven) MAVEN=0; shift ;;
    --push) PUSH=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
    *) SERVICES+=("$1"); shift ;;
  esac
done
[ ${#SERVICES[@]} -gt 0 ] || SERVICES=("${ALL_SERVICES[@]}")
for s in "${SERVICES[@]}"; do
  case " ${ALL_SERVICES[*]} " in *" $s "*) ;; *) echo "unknown service '$s' (one of: ${ALL_SERVICES[*]})" >&2; exit 2 ;; esac
done
if [ -z "$TAG" ]; then
  TAG="$(mvn -B -q help:evaluate -Dexpression=project.version -DforceStdout -N)"
fi

if [ "$MAVEN" = 1 ]; then
  modules="$(IFS=,; echo "${SERVICES[*]}")"
  # shellcheck disable=SC2086
  mvn -B -DskipTests -Dquarkus.package.jar.type=fast-jar ${MVN_ARGS:-} -pl "$modules" -am package
fi

built=()
for s in "${SERVICES[@]}"; do
  [ -f "$s/target/quarkus-app/quarkus-run.jar" ] || { echo "$s/target/quarkus-app is missing: build it first" >&2; exit 1; }
  image="$REGISTRY/$s:$TAG"
  echo ">> $image"
  "$DOCKER" build -f docker/Dockerfile.jvm --build-arg SERVICE="$s" -t "$image" .
  built+=("$image")
  if [ "$GPU" = 1 ] && [[ " ${GPU_SERVICES[*]} " == *" $s "* ]]; then
    gpu_image="$REGISTRY/$s:$TAG-gpu"
    echo ">> $gpu_image"
    "$DOCKER" build -f docker/Dockerfile.gpu --build-arg SERVICE="$s" \
      --build-arg PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}" -t "$gpu_image" .
    built+=("$gpu_image")
  fi
done

if [ "$PUSH" = 1 ]; then
  for image in "${built[@]}"; do "$DOCKER" push "$image"; done
fi
printf 'built:\n'; printf '  %s\n' "${built[@]}"
