#!/usr/bin/env bash
# Installs the Debian packages scratchnet needs, only those that are missing.
#   scripts/setup-deps.sh           library, tests, examples, figures, Fashion-MNIST, NLopt (Bayesian search)
#   scripts/setup-deps.sh --bench   also PyTorch and OpenBLAS for bench/compare.sh
#   scripts/setup-deps.sh --all-compilers   also clang
#   scripts/setup-deps.sh --fuzz    also clang and its libFuzzer runtime for scripts/fuzz.sh
#   scripts/setup-deps.sh --aarch64 also the aarch64 cross compiler, qemu-user and arm64 zlib
set -euo pipefail

packages=(cmake g++ make libeigen3-dev catch2 zlib1g-dev libcli11-dev gnuplot-nox dataset-fashion-mnist
          libopenmpi-dev openmpi-bin libnlopt-cxx-dev)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-torch libopenblas0-pthread util-linux time) ;;
    --all-compilers) packages+=(clang libomp-dev) ;;
    --fuzz) packages+=(clang libclang-rt-dev) ;;
    # Eigen, Catch2 and CLI11 are headers: the cross build finds the host's
    # copies. zlib is a library, so the cross build links Debian's arm64 one.
    --aarch64) packages+=(g++-aarch64-linux-gnu qemu-user zlib1g-dev:arm64) ;;
    *) echo "setup-deps.sh: unknown option '$arg' (use --bench, --all-compilers, --fuzz or --aarch64)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "setup-deps.sh: missing packages (${missing[*]}) and neither root nor sudo to install them" >&2
  exit 1
fi

# An ':arm64' package needs the arm64 architecture in dpkg before apt-get
# update can list it.
for p in "${missing[@]}"; do
  arch=${p##*:}
  if [ "$arch" != "$p" ] && [ "$arch" != "$(dpkg --print-architecture)" ] &&
     ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "setup-deps.sh: adding the $arch architecture to dpkg"
    "${as_root[@]}" dpkg --add-architecture "$arch"
  fi
done

# Runs apt-get "$@" as root. Another apt or dpkg process (unattended
# upgrades, a second script) may hold the package lock on a fresh machine:
# then this waits for it, saying so once, up to 10 minutes.
apt_get() {
  local deadline=$((SECONDS + 600)) said="" output
  while ! output=$("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" 2>&1); do
    if ! grep -q 'Could not get lock' <<<"$output" || [ $SECONDS -ge $deadline ]; then
      printf '%s\n' "$output" >&2
      return 1
    fi
    if [ -z "$said" ]; then
      echo "setup-deps.sh: another apt or dpkg process holds the package lock; waiting for it (up to 10 minutes)"
      said=1
    fi
    sleep 5
  done
}

echo "setup-deps.sh: installing ${missing[*]}"
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup-deps.sh: installed ${missing[*]}"
