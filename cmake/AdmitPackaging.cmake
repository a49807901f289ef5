# Debian packages (scripts/package.sh): admit (the organiser's command line), admit-server and
# admit-kiosk, built by CPack from the install rules below. Files go where Debian puts them:
# programs in /usr/bin, units in /usr/lib/systemd/system, system users in /usr/lib/sysusers.d,
# the kiosk's sounds in /usr/share/admit-kiosk, documents, copyright and changelog in
# /usr/share/doc/<package>. Dependencies on shared libraries are computed by dpkg-shlibdeps;
# the maintainer scripts in packaging/debian/<package> create the users and enable the units
# as debhelper would.
if(NOT (TARGET admit AND TARGET admit-server AND TARGET admit-kiosk))
  return()
endif()

include(GNUInstallDirs)
find_package(Git QUIET)

set(ADMIT_DEB_SOURCE admit)
if(NOT ADMIT_DEB_MAINTAINER)
  set(ADMIT_DEB_MAINTAINER "Admit maintainers <admit@localhost>")
  if(GIT_FOUND)
    execute_process(
      COMMAND ${GIT_EXECUTABLE} log -1 "--format=%an <%ae>" HEAD
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      OUTPUT_VARIABLE author OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE author_failed ERROR_QUIET)
    if(NOT author_failed AND author)
      set(ADMIT_DEB_MAINTAINER "${author}")
    endif()
  endif()
endif()
set(ADMIT_DEB_DATE "${ADMIT_COMMIT_DATE}")
# The copyright notice's years: those of the commits (the configure year outside git).
string(TIMESTAMP ADMIT_COPYRIGHT_YEARS "%Y" UTC)
if(GIT_FOUND)
  execute_process(
    COMMAND ${GIT_EXECUTABLE} log --format=%ad --date=format:%Y HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    OUTPUT_VARIABLE years OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE years_failed ERROR_QUIET)
  if(NOT years_failed AND years)
    string(REPLACE "\n" ";" years "${years}")
    list(SORT years)
    list(GET years 0 first)
    list(GET years -1 last)
    set(ADMIT_COPYRIGHT_YEARS "${first}")
    if(NOT first STREQUAL last)
      set(ADMIT_COPYRIGHT_YEARS "${first}-${last}")
    endif()
  endif()
endif()

# A changelog per package, as Debian requires (gzip -9n: no name or time stamp inside).
set(deb_dir ${PROJECT_BINARY_DIR}/packaging)
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in ${deb_dir}/changelog @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/copyright.in ${deb_dir}/copyright @ONLY)
find_program(GZIP_PROGRAM gzip REQUIRED)
execute_process(COMMAND ${GZIP_PROGRAM} -9nf ${deb_dir}/changelog)

set(doc ${CMAKE_INSTALL_DATAROOTDIR}/doc)
set(unit_dir lib/systemd/system)
set(sysusers_dir lib/sysusers.d)

# ---- admit: the organiser's command line
install(TARGETS admit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
install(FILES README.md docs/tickets.md docs/replica.md ${deb_dir}/copyright
              ${deb_dir}/changelog.gz
        DESTINATION ${doc}/admit COMPONENT cli)

# ---- admit-server
install(TARGETS admit-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(FILES systemd/admit-server.service systemd/admit-server-backup.service
              systemd/admit-server-backup.timer
        DESTINATION ${unit_dir} COMPONENT server)
install(FILES systemd/sysusers.d/admit-server.conf DESTINATION ${sysusers_dir} COMPONENT server)
install(FILES docs/sync.md ${deb_dir}/copyright ${deb_dir}/changelog.gz
        DESTINATION ${doc}/admit-server COMPONENT server)

# ---- admit-kiosk
install(TARGETS admit-kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kiosk)
install(FILES systemd/admit-kiosk.service systemd/admit-kiosk-key.service
        DESTINATION ${unit_dir} COMPONENT kiosk)
install(FILES systemd/sysusers.d/admit-kiosk.conf DESTINATION ${sysusers_dir} COMPONENT kiosk)
install(PROGRAMS systemd/admit-kiosk-make-key DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/admit-kiosk
        RENAME make-replica-key COMPONENT kiosk)
# admit-kiosk finds its sounds in ../share/admit-kiosk beside its program.
install(FILES assets/accepted.wav assets/denied.wav assets/attention.wav
        DESTINATION ${CMAKE_INSTALL_DATADIR}/admit-kiosk COMPONENT kiosk)
install(FILES docs/kiosk.md docs/scanning.md ${deb_dir}/copyright ${deb_dir}/changelog.gz
        DESTINATION ${doc}/admit-kiosk COMPONENT kiosk)

# ---- CPack
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME admit)
set(CPACK_PACKAGE_VENDOR "the Admit authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ADMIT_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli server kiosk)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ADMIT_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SOURCE ${ADMIT_DEB_SOURCE})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME admit)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
# tzdata: event days are counted in the event's time zone (libdate-tz reads the system tzdb).
set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS "tzdata")
set(CPACK_COMPONENT_CLI_DESCRIPTION "event check-in: the organiser's command line
Admit checks attendees in at the door of an event: volunteers scan QR tickets
on an offline kiosk and see at once whether someone may come in.
.
This package holds admit, the organiser's command line: events, guest lists
imported from CSV, signed tickets as QR images, the event code that sets a
kiosk up, kiosk replicas (export, check, salvage) and check-ins by hand.")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME admit-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
# deb-systemd-helper (init-system-helpers) is essential: no dependency needed.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "systemd | systemd-standalone-sysusers | systemd-sysusers")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/admit-server/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/admit-server/prerm;${PROJECT_SOURCE_DIR}/packaging/debian/admit-server/postrm")
set(CPACK_COMPONENT_SERVER_DESCRIPTION "event check-in: sync server for the kiosks
Admit checks attendees in at the door of an event: volunteers scan QR tickets
on an offline kiosk and see at once whether someone may come in.
.
This package holds admit-server, which kiosks sync with when they can: it
enrols them, hands out the guest list and collects every kiosk's check-ins
into the organiser's encrypted database. It runs as a hardened systemd
service (admit-server.service) behind a TLS reverse proxy.")

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME admit-kiosk)
set(CPACK_DEBIAN_KIOSK_PACKAGE_SECTION misc)
# cage and Xwayland: the kiosk's compositor (its GLFW window is an X11 one); seatd: gives
# cage the screen and input (a logind session through PAM would take the kiosk out of its
# unit's cgroup, and its watchdog with it); xkb-data and x11-xkb-utils: Xwayland's keymap
# (only Recommends of xserver-common); systemd-creds seals its key; tzdata: the event's days
# in its time zone.
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS
    "systemd, seatd, cage, xwayland, xkb-data, x11-xkb-utils, fonts-dejavu-core, tzdata")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/admit-kiosk/postinst;${PROJECT_SOURCE_DIR}/packaging/debian/admit-kiosk/prerm;${PROJECT_SOURCE_DIR}/packaging/debian/admit-kiosk/postrm")
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "event check-in: the door kiosk
Admit checks attendees in at the door of an event: volunteers scan QR tickets
on an offline kiosk and see at once whether someone may come in.
.
This package holds admit-kiosk, the fullscreen kiosk that reads tickets from a
USB camera, decides on an encrypted replica of the event and syncs with
admit-server when it can, and the units that start it on tty1 at boot under
the cage compositor, with its replica key sealed to the device and a
watchdog that restarts it when it hangs.")

include(CPack)
