include(CMakePackageConfigHelpers)

install(TARGETS scratchnet EXPORT scratchnetTargets)
install(DIRECTORY include/scratchnet DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(SCRATCHNET_CMAKE_DIR ${CMAKE_INSTALL_DATADIR}/cmake/scratchnet)
install(EXPORT scratchnetTargets NAMESPACE scratchnet:: DESTINATION ${SCRATCHNET_CMAKE_DIR})
# scratchnet::mpi likewise, loaded only where MPI is found.
if(TARGET scratchnet_mpi)
  install(TARGETS scratchnet_mpi EXPORT scratchnetMpiTargets)
  install(EXPORT scratchnetMpiTargets NAMESPACE scratchnet:: DESTINATION ${SCRATCHNET_CMAKE_DIR})
endif()
# scratchnet::bayes in a file of its own: the package config loads it only
# where NLopt is found, so a user without NLopt still gets the rest.
if(SCRATCHNET_HAS_BAYES)
  install(TARGETS scratchnet_bayes EXPORT scratchnetBayesTargets)
  install(EXPORT scratchnetBayesTargets NAMESPACE scratchnet:: DESTINATION ${SCRATCHNET_CMAKE_DIR})
endif()

configure_package_config_file(cmake/scratchnetConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfig.cmake
  INSTALL_DESTINATION ${SCRATCHNET_CMAKE_DIR})
# A header-only library fits any architecture, so the version file must not
# compare pointer sizes.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/scratchnetConfigVersion.cmake
              ${CMAKE_CURRENT_SOURCE_DIR}/cmake/scratchnetOptimize.cmake
        DESTINATION ${SCRATCHNET_CMAKE_DIR})
