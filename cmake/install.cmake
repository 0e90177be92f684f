# Install rules besides the programs' (milter/CMakeLists.txt): the man pages
# and the configuration files. Included once from the top CMakeLists.txt
# (include_guard: debian/rules also names this file as CMAKE_PROJECT_INCLUDE).
# Configuration goes to SYSCONFDIR/rampart, which is /etc/rampart for the
# /usr prefix (GNUInstallDirs' rule) and for the Debian package; a file
# already there is kept, so "make install" never overwrites an admin's
# configuration.
include_guard(GLOBAL)
include(GNUInstallDirs)

install(FILES ${CMAKE_SOURCE_DIR}/milter/rampart.8 ${CMAKE_SOURCE_DIR}/milter/rampartctl.8
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${CMAKE_SOURCE_DIR}/milter/rampart.conf.5
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

set(RAMPART_ETC_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/rampart)
function(rampart_install_config src name)
  install(CODE "
    if(EXISTS \"\$ENV{DESTDIR}${RAMPART_ETC_DIR}/${name}\")
      message(STATUS \"Keeping: \$ENV{DESTDIR}${RAMPART_ETC_DIR}/${name}\")
    else()
      # file(INSTALL) puts DESTDIR in front of an absolute destination itself.
      file(INSTALL \"${src}\" DESTINATION \"${RAMPART_ETC_DIR}\" RENAME \"${name}\")
    endif()")
endfunction()
# The installed rampart.conf names the installed access file (the source
# tree's keeps the default, none, so that scripts/run.sh needs no /etc
# file): rules added to /etc/rampart/access work after a reload.
file(READ ${CMAKE_SOURCE_DIR}/etc/rampart.conf RAMPART_CONF_TEXT)
string(REPLACE "# Empty means none.\n# access_file =\n"
  "# Empty means none; the installed file names the installed access file.\naccess_file = ${RAMPART_ETC_DIR}/access\n"
  RAMPART_CONF_INSTALLED "${RAMPART_CONF_TEXT}")
if(RAMPART_CONF_INSTALLED STREQUAL RAMPART_CONF_TEXT)
  message(FATAL_ERROR "etc/rampart.conf: the access_file lines install.cmake rewrites are missing")
endif()
file(WRITE ${CMAKE_BINARY_DIR}/rampart.conf.installed "${RAMPART_CONF_INSTALLED}")
rampart_install_config(${CMAKE_BINARY_DIR}/rampart.conf.installed rampart.conf)
rampart_install_config(${CMAKE_SOURCE_DIR}/etc/access.example access)
# Examples beside the configuration: [sql] for ISPConfig's mail_access table.
install(FILES ${CMAKE_SOURCE_DIR}/etc/rampart-ispconfig.conf
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
