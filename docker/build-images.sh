#!/usr/bin/env bash
# Builds the EMM container images from the repository root.
#
#   docker/build-images.sh [--registry REG] [--tag TAG] [--no-gpu] [--skip-maven] [--push] [--dry-run] [SERVICE...]
#
# Defaults: registry "emm", tag = the chart's appVersion (helm/emm/Chart.yaml), all four services,
# JVM images for all of them plus GPU images (tag suffix "-gpu") for trainer-service and
# sampler-service, whose fast-jar is built a second time with the Maven profile gpu (no CPU
# libtorch) into target/quarkus-app-gpu. --dry-run prints the commands instead of running them.
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
DRY_RUN=0
SERVICES=()
ALL_SERVICES=(orchestrator trainer-service sampler-service metric-service)
GPU_SERVICES=(trainer-service sampler-service)

usage() { sed -n '2,16p' "$SCRIPT" | sed 's/^# \{0,1\}//'; }
# Runs a command, or with --dry-run prints it.
step() { if [ "$DRY_RUN" = 1 ]; then echo "$*"; else "$@"; fi; }

while [ $# -gt 0 ]; do
  case "$1" in
    --registry) REGISTRY="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    --no-gpu) GPU=0; shift ;;
    --skip-maven) MAVEN=0; shift ;;
    --push) PUSH=1; shift ;;
    --dry-run) DRY_RUN=1; shift ;;
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
  # The chart deploys <registry>/<service>:<appVersion>, so that is the tag to build.
  TAG="$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' helm/emm/Chart.yaml)"
  [ -n "$TAG" ] || { echo "no appVersion in helm/emm/Chart.yaml" >&2; exit 1; }
fi
gpu_services=()
if [ "$GPU" = 1 ]; then
  for s in "${SERVICES[@]}"; do
    if [[ " ${GPU_SERVICES[*]} " == *" $s "* ]]; then gpu_services+=("$s"); fi
  done
fi

if [ "$MAVEN" = 1 ]; then
  modules="$(IFS=,; echo "${SERVICES[*]}")"
  # shellcheck disable=SC2086
  step mvn -B -DskipTests -Dquarkus.package.jar.type=fast-jar ${MVN_ARGS:-} -pl "$modules" -am package
  if [ ${#gpu_services[@]} -gt 0 ]; then
    gpu_modules="$(IFS=,; echo "${gpu_services[*]}")"
    # shellcheck disable=SC2086
    step mvn -B -DskipTests -Dquarkus.package.jar.type=fast-jar -Pgpu \
      -Dquarkus.package.output-directory=quarkus-app-gpu ${MVN_ARGS:-} -pl "$gpu_modules" -am package
  fi
fi

built=()
for s in "${SERVICES[@]}"; do
  [ "$DRY_RUN" = 1 ] || [ -f "$s/target/quarkus-app/quarkus-run.jar" ] \
    || { echo "$s/target/quarkus-app is missing: build it first" >&2; exit 1; }
  image="$REGISTRY/$s:$TAG"
  echo ">> $image"
  step "$DOCKER" build -f docker/Dockerfile.jvm --build-arg SERVICE="$s" -t "$image" .
  built+=("$image")
  if [[ " ${gpu_services[*]} " == *" $s "* ]]; then
    [ "$DRY_RUN" = 1 ] || [ -f "$s/target/quarkus-app-gpu/quarkus-run.jar" ] \
      || { echo "$s/target/quarkus-app-gpu is missing: build it with -Pgpu first" >&2; exit 1; }
    gpu_image="$REGISTRY/$s:$TAG-gpu"
    echo ">> $gpu_image"
    step "$DOCKER" build -f docker/Dockerfile.gpu --build-arg SERVICE="$s" \
      --build-arg PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}" -t "$gpu_image" .
    built+=("$gpu_image")
  fi
done

if [ "$PUSH" = 1 ]; then
  for image in "${built[@]}"; do step "$DOCKER" push "$image"; done
fi
printf 'built:\n'; printf '  %s\n' "${built[@]}"
