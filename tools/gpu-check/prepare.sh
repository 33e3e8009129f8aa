#!/usr/bin/env bash
# Builds, on a machine with a JDK (17) and Maven, what the GPU machine needs and cannot make (it has
# no Java): tools/gpu-check/target/bundle/ with
#   jre/      a jlink runtime with the modules the probe uses
#   lib/      the probe and its runtime jars (DJL api and PyTorch engine, emm-core, emm-djl, ...),
#             without DJL's native jars: there libtorch comes from the machine's PyTorch
#   include/  jni.h, linux/jni_md.h and ai_djl_pytorch_jni_PyTorchLibrary.h (javac -h on the vendored
#             bridge/java/.../PyTorchLibrary.java), for build-bridge.sh
# The folder is ignored by git; the device tool carries it (carry: tools/gpu-check/target/bundle).
# Prints the sizes, and fails if bundle plus tracked files exceed what one device call carries.
#
#   tools/gpu-check/prepare.sh [--no-build]     (--no-build: reuse tools/gpu-check/target from a build)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bundle="$here/target/bundle"
limit_mib=64
# java.logging and java.management: DJL and JNA; jdk.unsupported: JNA and Jackson reach sun.misc.Unsafe.
modules="java.base,java.logging,java.management,jdk.unsupported"

if [[ "${1:-}" != "--no-build" ]]; then
  echo "prepare: building the probe (mvn -pl tools/gpu-check -am package -DskipTests) ..." >&2
  (cd "$repo" && mvn -B -q -o -pl tools/gpu-check -am -DskipTests package)
fi
[[ -f "$here/target/emm-gpu-check.jar" && -d "$here/target/lib" ]] \
  || { echo "prepare: $here/target/emm-gpu-check.jar or lib/ missing; run without --no-build" >&2; exit 1; }

javac_path="$(readlink -f "$(command -v javac)")"
jdk="${JAVA_HOME:-$(dirname "$(dirname "$javac_path")")}"
[[ -x "$jdk/bin/jlink" && -d "$jdk/jmods" ]] || { echo "prepare: $jdk has no jlink or jmods/ (need a full JDK 17)" >&2; exit 1; }

rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/include/linux"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$bundle/jre"
cp "$here/target/emm-gpu-check.jar" "$here"/target/lib/*.jar "$bundle/lib/"

classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
"$jdk/bin/javac" -h "$bundle/include" -d "$classes" "$here/bridge/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
cp "$jdk/include/jni.h" "$bundle/include/"
cp "$jdk/include/linux/jni_md.h" "$bundle/include/linux/"

mib() { du -sm "$1" | cut -f1; }
tracked=$(cd "$repo" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
tracked_mib=$(( (tracked + 1048575) / 1048576 ))
total=$(( $(mib "$bundle") + tracked_mib ))
echo "prepare: bundle $(mib "$bundle") MiB (jre $(mib "$bundle/jre"), jars $(mib "$bundle/lib"), headers $(mib "$bundle/include")); tracked files ${tracked_mib} MiB; together ${total} MiB of ${limit_mib}"
"$bundle/jre/bin/java" -version 2>&1 | head -1 | sed 's/^/prepare: runtime /'
if (( total > limit_mib )); then
  echo "prepare: too large for one device call (${total} > ${limit_mib} MiB)" >&2
  exit 1
fi
