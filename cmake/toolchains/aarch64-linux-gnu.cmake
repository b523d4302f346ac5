# Cross build for 64-bit ARM Linux with Debian's cross compiler
# (g++-aarch64-linux-gnu); the programs run under qemu-user, and so does
# ctest. scripts/setup-deps.sh --aarch64 installs all of it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Debian's arm64 libraries live beside the host's, in /usr/lib/aarch64-linux-gnu
# (multiarch: zlib1g-dev:arm64), and the cross compiler's own runtime
# (libstdc++, libgomp) in /usr/aarch64-linux-gnu. find_library looks in
# <prefix>/lib/<this architecture>, never in the host's x86_64-linux-gnu, so
# it may search the host's prefixes; a wrong-architecture library would fail
# the link rather than be taken.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
# Eigen, Catch2 and CLI11 are header-only: their package files on the host
# (/usr/share/eigen3/cmake, /usr/lib/cmake/Catch2, /usr/share/cmake/CLI11)
# describe headers that serve any architecture.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# Programs the build runs (cmake, clang++ probes) are the host's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# add_test and catch_discover_tests run the test programs through this.
# -L: qemu looks for the program's absolute paths, its dynamic loader first,
# under the cross toolchain's folder. LD_LIBRARY_PATH: the loader then takes
# libc and libstdc++ from that folder too, not Debian's arm64 libc6 in
# /lib/aarch64-linux-gnu (zlib1g:arm64 depends on it, and the loader finds it
# through /etc/ld.so.cache). That libc is another build than the cross
# toolchain's loader, and the two together hang in pthread_create: here the
# search tests with two jobs spun until their timeout.
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib)
