#!/usr/bin/env bash
# Builds DJL's PyTorch JNI bridge (libdjl_torch.so) from the vendored sources in bridge/ against the
# libtorch of a Python PyTorch installation (or any libtorch folder), with CMake. Needs a C++17
# compiler and CMake; no JDK (the JNI headers come from prepare.sh, in the bundle's include/).
#
#   build-bridge.sh --out DIR [--python PY] [--torch-prefix DIR] [--torch-root DIR] [--abi 0|1]
#                   [--mode auto|package|direct] [--cuda auto|on|off] [--jni-headers DIR] [--jobs N]
#
# Modes: `package` configures with torch's own CMake package (find_package(Torch), prefix from
# `torch.utils.cmake_prefix_path`); `direct` compiles against <torch-root>/include and links
# <torch-root>/lib/libtorch{,_cpu}.so and libc10.so, skipping the CUDA toolkit discovery that
# torch's CMake package runs for CUDA builds; `auto` (default) tries package, and direct when the
# package does not configure.
# --cuda auto: DJL's CUDA-specific code (a stream pool for TorchScript inference, releasing cached
# blocks) only in package mode with a CUDA torch; tensors run on CUDA either way, because DJL loads
# libtorch_cuda.so itself and the bridge calls libtorch's device-generic API.
# Prints the path of the built library as its last line; the build log goes to <out>/build.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

out="" python="python3" prefix="" root="" abi="" mode="auto" cuda="auto" jobs="$(nproc 2>/dev/null || echo 2)"
headers="$here/target/bundle/include"
while (($#)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --torch-prefix) prefix="$2"; shift 2 ;;
    --torch-root) root="$2"; shift 2 ;;
    --abi) abi="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --cuda) cuda="$2"; shift 2 ;;
    --jni-headers) headers="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "build-bridge: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n "$out" ]] || { echo "build-bridge: --out DIR is required" >&2; exit 2; }
[[ "$mode" =~ ^(auto|package|direct)$ ]] || { echo "build-bridge: --mode auto, package or direct" >&2; exit 2; }
[[ "$cuda" =~ ^(auto|on|off)$ ]] || { echo "build-bridge: --cuda auto, on or off" >&2; exit 2; }
for f in jni.h linux/jni_md.h ai_djl_pytorch_jni_PyTorchLibrary.h; do
  [[ -f "$headers/$f" ]] || { echo "build-bridge: $headers/$f is missing; run tools/gpu-check/prepare.sh (it generates the JNI headers)" >&2; exit 2; }
done
command -v cmake >/dev/null || { echo "build-bridge: cmake not found" >&2; exit 2; }

# What the Python installation says about its libtorch (skipped when everything is given).
version="" torch_cuda=""
if [[ -z "$prefix" || -z "$root" || -z "$abi" ]] && "$python" -c 'import torch' 2>/dev/null; then
  read -r version torch_cuda py_prefix py_root py_abi < <("$python" -c '
import os, torch
print(torch.__version__.split("+")[0], torch.version.cuda or "none", torch.utils.cmake_prefix_path,
      os.path.dirname(torch.__file__), int(torch._C._GLIBCXX_USE_CXX11_ABI))')
  prefix="${prefix:-$py_prefix}" root="${root:-$py_root}" abi="${abi:-$py_abi}"
fi
abi="${abi:-1}"
pt_version=""
if [[ "$version" == 1.13* ]] || { [[ -z "$version" && -n "$root" ]] && ls "$root"/lib/libtorch.so.1.13* >/dev/null 2>&1; }; then
  pt_version="V1_13_X"   # DJL's switch for the c10::variant of libtorch 1.13
fi
# The C++ standard torch's CMake package asks its users for (20 in recent releases; DJL uses 17).
std=17
config="$(ls "$prefix"/Torch/TorchConfig.cmake "$root"/share/cmake/Torch/TorchConfig.cmake 2>/dev/null | head -1 || true)"
if [[ -n "$config" ]]; then
  wanted="$(grep -ho 'CXX_STANDARD [0-9][0-9]' "$config" | awk '{print $2}' | sort -n | tail -1 || true)"
  [[ -n "$wanted" ]] && (( wanted > std )) && std="$wanted"
fi
mkdir -p "$out/jni-include/linux"
out="$(cd "$out" && pwd)"
# A private copy: the build must not depend on the bundle staying in place while it compiles.
cp "$headers/jni.h" "$headers/ai_djl_pytorch_jni_PyTorchLibrary.h" "$out/jni-include/"
cp "$headers/linux/jni_md.h" "$out/jni-include/linux/"
headers="$out/jni-include"
log="$out/build.log"
: > "$log"
echo "build-bridge: torch ${version:-?} (CUDA ${torch_cuda:-?}), prefix ${prefix:-none}, root ${root:-none}, C++11 ABI $abi, C++$std, mode $mode, $jobs jobs" | tee -a "$log" >&2

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

attempt() {  # attempt NAME CMAKE-ARGS...; builds in $out/build-NAME; 0 built, 2 configure failed, 1 compile failed
  local name="$1"; shift
  local dir="$out/build-$name"
  rm -rf "$dir"
  echo "build-bridge: [$name] cmake $*" | tee -a "$log" >&2
  local start=$SECONDS
  if ! cmake -S "$here/bridge" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
        -DJNI_HEADERS_DIR="$headers" -DPT_VERSION="$pt_version" -DBRIDGE_CXX_STANDARD="$std" "$@" >>"$log" 2>&1; then
    echo "build-bridge: [$name] configure FAILED:" | tee -a "$log" >&2
    grep -m 10 -A 3 'CMake Error' "$log" >&2 || true
    return 2
  fi
  if cmake --build "$dir" -j "$jobs" >>"$log" 2>&1; then
    cp "$dir/libdjl_torch.so" "$out/libdjl_torch.so"
    echo "build-bridge: [$name] built in $((SECONDS - start)) s" | tee -a "$log" >&2
    return 0
  fi
  echo "build-bridge: [$name] compile FAILED after $((SECONDS - start)) s; first errors:" | tee -a "$log" >&2
  grep -m 20 -E 'error:|Error [0-9]|undefined reference' "$log" >&2 || true
  return 1
}

cuda_flag() {  # cuda_flag MODE -> ON/OFF
  case "$cuda" in
    on) echo ON ;;
    off) echo OFF ;;
    auto) if [[ "$1" == package && -n "$torch_cuda" && "$torch_cuda" != none ]]; then echo ON; else echo OFF; fi ;;
  esac
}

# A compile error in package mode would recur in direct mode (same sources, same headers), so only
# a failed configure (torch's CMake package not usable here) moves on to direct mode.
built=""
if [[ "$mode" != direct && -n "$prefix" ]]; then
  status=0
  attempt package -DCMAKE_PREFIX_PATH="$prefix" -DUSE_CUDA="$(cuda_flag package)" || status=$?
  if ((status == 0)); then
    built=package
  elif ((status == 1)) || [[ "$mode" == package ]]; then
    exit 1
  fi
fi
if [[ -z "$built" ]]; then
  [[ -n "$root" && -d "$root/include" && -d "$root/lib" ]] \
    || { echo "build-bridge: direct mode needs --torch-root with include/ and lib/ (got '${root}')" >&2; exit 1; }
  attempt direct -DTORCH_DIRECT_ROOT="$root" -DTORCH_CXX11_ABI="$abi" -DUSE_CUDA="$(cuda_flag direct)" || exit 1
  built=direct
fi
echo "$out/libdjl_torch.so"
