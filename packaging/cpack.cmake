# Linux packages: what `cmake --install` puts where, and how CPack wraps it. In the build
# directory, `cpack -G DEB` makes qwen-proxy_<version>_amd64.deb, `-G TGZ` a tarball, `-G RPM` an
# RPM (built on Debian, untested on RPM distributions). docs/packaging.md explains the choices;
# scripts/check-package.sh proves the .deb (lintian, desktop, AppStream, systemd, man pages, and
# install, run and purge in a clean Debian 12 root).
if(NOT UNIX OR APPLE)
  return()
endif()
include(GNUInstallDirs)

# QP_APP_ID (top-level CMakeLists.txt) names the desktop file, the AppStream component and the
# icons; the files under packaging/linux carry it literally, and scripts/check-package.sh checks
# the package by that name.
# The home page and the maintainer address follow the GitHub organisation the id names; change
# the three together if the project is published elsewhere (lintian rejects .local addresses).
set(QP_HOMEPAGE https://github.com/qwenproxy/qwen-proxy)
set(QP_MAINTAINER "Qwen Proxy team <qwenproxy@users.noreply.github.com>")
set(linux ${CMAKE_CURRENT_SOURCE_DIR}/packaging/linux)
set(gen ${CMAKE_CURRENT_BINARY_DIR}/packaging)

# Man pages carry the version; Debian wants them and the changelog compressed with gzip -9n
# (-n: no name or time stamp, so the package is reproducible).
set(gz_files)
foreach(page qwen-proxy.1 qwen-proxy-tray.1)
  set(VERSION ${PROJECT_VERSION})
  configure_file(${linux}/man/${page} ${gen}/${page} @ONLY)
  list(APPEND gz_files ${gen}/${page})
endforeach()
configure_file(${linux}/changelog ${gen}/changelog COPYONLY)
list(APPEND gz_files ${gen}/changelog)
set(gz_outputs)
foreach(f IN LISTS gz_files)
  add_custom_command(OUTPUT ${f}.gz COMMAND gzip -9n -c ${f} > ${f}.gz DEPENDS ${f} VERBATIM)
  list(APPEND gz_outputs ${f}.gz)
endforeach()
add_custom_target(qp_package_files ALL DEPENDS ${gz_outputs})
configure_file(${linux}/${QP_APP_ID}.metainfo.xml.in ${gen}/${QP_APP_ID}.metainfo.xml @ONLY)

install(FILES ${linux}/${QP_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${gen}/${QP_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${linux}/icons/${QP_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 128 256 512)
  install(FILES ${linux}/icons/${QP_APP_ID}-${size}.png
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
          RENAME ${QP_APP_ID}.png)
endforeach()
# A user unit, shipped but not enabled (no maintainer script enables it for anyone).
install(FILES ${linux}/qwen-proxy.service DESTINATION ${CMAKE_INSTALL_LIBDIR}/systemd/user)
install(FILES ${gen}/qwen-proxy.1.gz ${gen}/qwen-proxy-tray.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${linux}/completions/qwen-proxy.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME qwen-proxy)
install(FILES ${linux}/completions/qwen-proxy.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME qwen-proxy-tray)
install(FILES ${linux}/completions/_qwen-proxy
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${linux}/completions/qwen-proxy.fish ${linux}/completions/qwen-proxy-tray.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# Debian's doc directory is named after the package, not the CMake project.
install(FILES ${linux}/copyright ${gen}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/qwen-proxy)

set(CPACK_PACKAGE_NAME qwen-proxy)
set(CPACK_PACKAGE_VENDOR "Qwen Proxy team")
set(CPACK_PACKAGE_CONTACT ${QP_MAINTAINER})
set(CPACK_PACKAGE_HOMEPAGE_URL ${QP_HOMEPAGE})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local OpenAI/Anthropic-compatible proxy for Qwen models")
# Lines of at most 80 characters: CPack indents each for the control file.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "Qwen Proxy serves the OpenAI and Anthropic HTTP APIs on this machine and\n"
  "forwards each request to Qwen, with accounts logged in through Qwen OAuth,\n"
  "or to API-key providers such as Model Studio, OpenRouter, Ollama or any\n"
  "OpenAI-compatible server.\n"
  "\n"
  "This package contains qwen-proxy, the command line and headless server\n"
  "(with a systemd user unit, not enabled), and qwen-proxy-tray, a desktop app\n"
  "whose tray icon shows whether the proxy serves and how much quota is left.")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_GENERATOR DEB TGZ)
find_program(QP_RPMBUILD rpmbuild)
if(QP_RPMBUILD)
  list(APPEND CPACK_GENERATOR RPM)
endif()

# Debian: the libraries dpkg-shlibdeps finds, plus what Qt loads at run time and it cannot see
# (the SQLite driver, the platform plugins) and the Secret Service client qtkeychain dlopens.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, qt6-qpa-plugins, libsecret-1-0")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | kwalletmanager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# RPM: best effort, same files.
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE GPL-3.0-or-later)
set(CPACK_RPM_PACKAGE_GROUP "Applications/Internet")
set(CPACK_RPM_PACKAGE_URL ${QP_HOMEPAGE})
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
# Fedora's names for the run-time plugins (the SQLite driver is in qt6-qtbase, the platform
# plugins in qt6-qtbase-gui); shlibdeps' counterpart, rpm's own scan, adds the libraries.
set(CPACK_RPM_PACKAGE_REQUIRES "qt6-qtbase, qt6-qtbase-gui, libsecret")
# The directories the package shares with the system are not its own.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/share/applications /usr/share/metainfo /usr/share/icons /usr/share/icons/hicolor
    /usr/lib/systemd /usr/lib/systemd/user /usr/share/man /usr/share/man/man1
    /usr/share/bash-completion /usr/share/bash-completion/completions /usr/share/zsh
    /usr/share/zsh/vendor-completions /usr/share/fish /usr/share/fish/vendor_completions.d)
foreach(d scalable 128x128 256x256 512x512)
  list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /usr/share/icons/hicolor/${d}
       /usr/share/icons/hicolor/${d}/apps)
endforeach()

include(CPack)
