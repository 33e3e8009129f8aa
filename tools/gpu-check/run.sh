#!/usr/bin/env bash
# The one command a GPU session runs (from the repository root, with tools/gpu-check/target/bundle
# carried; see tools/gpu-check/README.md):
#
#   bash tools/gpu-check/run.sh [probe options]      e.g. --presets small-ddpmpp-mnist --steps 10
#
# 1. records the machine (nvidia-smi, PyTorch, CUDA, compilers) in $OUT/machine.txt;
# 2. builds DJL's JNI bridge against this machine's PyTorch (build-bridge.sh, into target/bridge; log in
#    $OUT/bridge/), or reuses the one a previous call on the same warm machine built;
# 3. lays out a libtorch folder as DJL expects it: PYTORCH_LIBRARY_PATH = a folder holding links to
#    PyTorch's libtorch, libtorch_cpu, libc10 (and their CUDA parts) and the bridge as libdjl_torch.so
#    (DJL's LibUtils loads every library in that folder, then the bridge found beside them, and
#    downloads nothing); PYTORCH_VERSION and PYTORCH_FLAVOR name what it is; LD_LIBRARY_PATH holds
#    the folders their own dependencies live in (PyTorch's lib/, the nvidia-* wheels' lib/), since
#    $ORIGIN in their run paths resolves to the link folder; JNA finds libcudart for DJL's GPU count
#    through -Djna.library.path;
# 4. runs the probe (dev.emm.gpucheck.GpuProbe) with the bundle's runtime; results in $OUT.
# Exit code: the probe's (0 all within tolerance, 1 a comparison or part failed, 3 no CUDA although
# nvidia-smi lists a GPU), or 10 when the bridge does not build, 11 when the bundle is missing.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
OUT="${OUT:-$repo/gpu-check-out}"
python="${GPU_CHECK_PYTHON:-python3}"
work="${GPU_CHECK_WORK:-$(mktemp -d /tmp/gpu-check.XXXXXX)}"
bundle="$here/target/bundle"
mkdir -p "$OUT" "$work"
exec > >(tee -a "$OUT/run.log") 2>&1
say() { echo "gpu-check: $*"; }
start=$SECONDS

[[ -x "$bundle/jre/bin/java" && -d "$bundle/lib" ]] \
  || { say "the bundle is missing ($bundle): run tools/gpu-check/prepare.sh where Java is, and carry tools/gpu-check/target/bundle"; exit 11; }

{
  date -u
  nvidia-smi 2>&1 || echo "nvidia-smi: not available"
  "$python" -c 'import sys, torch; print("python", sys.version.split()[0]); print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "cuda available", torch.cuda.is_available(), "cxx11 abi", torch._C._GLIBCXX_USE_CXX11_ABI, "cudnn.allow_tf32", torch.backends.cudnn.allow_tf32, "matmul.allow_tf32", torch.backends.cuda.matmul.allow_tf32)' 2>&1
  nvcc --version 2>&1 | tail -2
  cmake --version 2>&1 | head -1
  c++ --version 2>&1 | head -1
  echo "cpus $(nproc)"; grep -m1 'model name' /proc/cpuinfo
} > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"

read -r torch_version torch_cuda torch_dir < <("$python" -c '
import os, torch
print(torch.__version__.split("+")[0], torch.version.cuda or "none", os.path.dirname(torch.__file__))') \
  || { say "$python cannot import torch"; exit 10; }

# The bridge is built into the repository's ignored target/ folder, which the device machine keeps
# between calls while it stays warm: a second call against the same PyTorch and sources reuses it.
bridge_dir="$here/target/bridge"
stamp="torch $torch_version cuda $torch_cuda sources $(cat "$here"/bridge/CMakeLists.txt "$here"/bridge/src/* \
  "$bundle/include/ai_djl_pytorch_jni_PyTorchLibrary.h" | md5sum | cut -c1-12)"
mkdir -p "$OUT/bridge"
if [[ -f "$bridge_dir/libdjl_torch.so" && "$(cat "$bridge_dir/stamp" 2>/dev/null)" == "$stamp" ]]; then
  bridge="$bridge_dir/libdjl_torch.so"
  say "reusing the bridge built earlier ($stamp)"
else
  say "building the bridge against PyTorch $torch_version (CUDA $torch_cuda) ..."
  rm -f "$bridge_dir/stamp"
  if ! bridge="$(bash "$here/build-bridge.sh" --out "$bridge_dir" --python "$python" --jni-headers "$bundle/include" | tail -1)"; then
    cp "$bridge_dir/build.log" "$OUT/bridge/" 2>/dev/null
    say "the bridge did not build; the log is $OUT/bridge/build.log"
    exit 10
  fi
  echo "$stamp" > "$bridge_dir/stamp"
  cp "$bridge_dir/build.log" "$OUT/bridge/"
  say "bridge built in $((SECONDS - start)) s: $bridge"
fi

lib="$work/libtorch"
rm -rf "$lib" && mkdir -p "$lib"
for name in libc10.so libtorch_cpu.so libtorch.so libc10_cuda.so libtorch_cuda.so libcaffe2_nvrtc.so; do
  [[ -e "$torch_dir/lib/$name" ]] && ln -s "$torch_dir/lib/$name" "$lib/$name"
done
cp "$bridge" "$lib/libdjl_torch.so"

# Where the dependencies of those libraries live: PyTorch's lib/ and every nvidia-* wheel's lib/.
deps="$(readlink -f "$torch_dir/lib")"
site="$(dirname "$torch_dir")"
for d in "$site"/nvidia/*/lib "$site"/nvidia/*/*/lib; do
  [[ -d "$d" ]] && deps="$deps:$d"
done
cudart="$(ls "$site"/nvidia/*/lib/libcudart.so* "$site"/nvidia/*/*/lib/libcudart.so* /usr/local/cuda/lib64/libcudart.so* 2>/dev/null | head -1)"
mkdir -p "$work/jna"
[[ -n "$cudart" ]] && ln -sf "$cudart" "$work/jna/libcudart.so"

flavor=cpu
[[ "$torch_cuda" != none ]] && flavor="cu$(echo "$torch_cuda" | tr -d . | cut -c1-3)"
export PYTORCH_LIBRARY_PATH="$lib" PYTORCH_VERSION="$torch_version" PYTORCH_FLAVOR="$flavor"
export LD_LIBRARY_PATH="$deps${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# As `./emm bench` runs both sides (docs/BENCHMARKS.md, "Method"); the probe gives the reference the same.
export DJL_CACHE_DIR="$work/djl-cache" MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824 MALLOC_ARENA_MAX=1 \
  OMP_WAIT_POLICY=PASSIVE
# On a machine whose driver lists a GPU, a probe without CUDA is a failure (exit 3), not a CPU run.
require=()
nvidia-smi -L 2>/dev/null | grep -q '^GPU' && require=(--require-cuda)
say "PYTORCH_LIBRARY_PATH=$lib PYTORCH_VERSION=$torch_version PYTORCH_FLAVOR=$flavor; cudart for JNA: ${cudart:-none}"

"$bundle/jre/bin/java" -Xmx8g -XX:+UseParallelGC -Dai.djl.offline=true -Djna.library.path="$work/jna" \
  -Djava.util.logging.config.file=/dev/null -cp "$bundle/lib/*" dev.emm.gpucheck.GpuProbe \
  --out "$OUT" --python "$python" --home "$repo" "${require[@]}" "$@"
code=$?
say "probe exit code $code after $((SECONDS - start)) s in all; results in $OUT"
exit $code
