# The macOS bundle's metadata, rendered on every platform so that CI on Linux checks what the
# macOS build will use (tests/packaging/check-info-plist.py, the ctest packaging.info_plist).
# ui/CMakeLists.txt makes the tray app a bundle with these on Apple.
set(QP_MACOS_ICNS ${CMAKE_CURRENT_LIST_DIR}/QwenProxy.icns)
get_filename_component(QP_MACOS_ICON_FILE ${QP_MACOS_ICNS} NAME)
set(QP_MACOS_INFO_PLIST ${CMAKE_BINARY_DIR}/packaging/macos/Info.plist)
configure_file(${CMAKE_CURRENT_LIST_DIR}/Info.plist.in ${QP_MACOS_INFO_PLIST} @ONLY)
