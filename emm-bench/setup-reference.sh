#!/usr/bin/env bash
# Makes sure the PyTorch reference can run (the reference side of `./emm bench`, and the check that
# exported weights load into EDM's network, EdmReferenceExportTest): Debian's python3-torch (PyTorch
# 1.13, CPU), python3-numpy and OpenBLAS. Without libopenblas0-pthread, python3-torch falls back to the netlib reference BLAS,
# about 80x slower at matrix products, which is no fair baseline. Installs with apt-get only when
# something is missing; prints nothing when all is in place.
set -euo pipefail
python="${1:-/usr/bin/python3}"

missing=()
"$python" -c 'import torch' >/dev/null 2>&1 || missing+=(python3-torch)
"$python" -c 'import numpy' >/dev/null 2>&1 || missing+=(python3-numpy)
dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q 'install ok installed' \
  || missing+=(libopenblas0-pthread)

if ((${#missing[@]})); then
  echo "bench: installing ${missing[*]} with apt-get (the PyTorch reference)" >&2
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "bench: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  "$python" -c 'import torch, numpy' || { echo "bench: $python still cannot import torch and numpy" >&2; exit 1; }
fi

# Which BLAS the reference will use (the alternatives link of libblas.so.3).
blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
if [[ -n "$blas" && "$blas" != *openblas* ]]; then
  echo "bench: warning: libblas.so.3 resolves to $blas, not OpenBLAS; the reference's matrix products will be slow." >&2
  echo "bench: fix with: update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3" >&2
fi
