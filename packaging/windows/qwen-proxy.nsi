; Qwen Proxy's Windows installer: per user, no administrator rights, 64-bit (docs/packaging.md).
;
;   makensis -WX -DVERSION=<x.y.z> -DPAYLOAD=<deployed tree> packaging/windows/qwen-proxy.nsi
;
; writes qwen-proxy-<x.y.z>-windows-x64-setup.exe next to this script (-DOUTDIR=<dir> puts it
; there instead). PAYLOAD is the tree qt_generate_deploy_app_script (windeployqt) deployed: both
; .exe files, the Qt DLLs and the plugin folders; give it as an absolute path, since makensis
; works in this script's folder. -DSIGN signs the uninstaller and the installer with sign.sh
; (osslsigncode; the certificate comes from the environment, see sign.sh).
;
; Silent use: setup.exe /S [/AUTOSTART] [/D=<folder>], uninstall.exe /S [/PURGE].

Unicode true
Target amd64-unicode
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "give the version: -DVERSION=x.y.z"
!endif
!ifndef PAYLOAD
  !error "give the deployed tree: -DPAYLOAD=<folder>"
!endif
; makensis works in this script's folder (it changes there unless given /NOCD), so the helper
; scripts and the default output are found relative to it.
!ifndef OUTDIR
  !define OUTDIR "."
!endif

!define APP "Qwen Proxy"
!define PUBLISHER "Qwen Proxy team"
!define URL "https://github.com/qwenproxy/qwen-proxy"
!define TRAY_EXE "qwen-proxy-tray.exe"
!define CLI_EXE "qwen-proxy.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\QwenProxy"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
; The value the app itself writes for "Start at login" (src/core/platform/autostart.cpp).
!define RUN_VALUE "QwenProxy"
!define SHORTCUT "$SMPROGRAMS\${APP}.lnk"

Name "${APP}"
OutFile "${OUTDIR}/qwen-proxy-${VERSION}-windows-x64-setup.exe"
; Per user, like the rest of the install: no UAC prompt, and the folder an upgrade finds again.
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} setup"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "GPL-3.0-or-later"

; Signing runs on the finished files, after makensis has written them: the uninstaller before it
; is packed into the installer, then the installer.
!ifdef SIGN
  !uninstfinalize '"./sign.sh" "%1"' = 0
  !finalize '"./sign.sh" "%1"' = 0
!endif

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "Sections.nsh"

; The payload's install and uninstall lists, written from one walk of the tree (payload-nsh.sh).
!tempfile PAYLOAD_NSH
!system '"./payload-nsh.sh" "${PAYLOAD}" "${PAYLOAD_NSH}"' = 0
!include "${PAYLOAD_NSH}"
!delfile "${PAYLOAD_NSH}"

!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${TRAY_EXE}"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"
!include /CHARSET=UTF8 "strings.nsh"

Var HadAutostart

; A running tray app holds its .exe open, so its files could not be replaced or deleted. Ask it to
; quit (`--quit` reaches the running instance; it gives open responses their grace), then wait
; until the .exe can be opened for writing. Used by the installer and the uninstaller.
!macro CLOSE_TRAY_FUNCTION un
Function ${un}CloseTray
  IfFileExists "$INSTDIR\${TRAY_EXE}" 0 done
  ExecWait '"$INSTDIR\${TRAY_EXE}" --quit'
  StrCpy $R9 0
  retry:
    ClearErrors
    FileOpen $R8 "$INSTDIR\${TRAY_EXE}" a
    ${IfNot} ${Errors}
      FileClose $R8
      Goto done
    ${EndIf}
    IntOp $R9 $R9 + 1
    ${If} $R9 < 30
      Sleep 500
      Goto retry
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(TrayRunning)" /SD IDCANCEL IDRETRY retry
    SetErrorLevel 3
    Quit
  done:
FunctionEnd
!macroend
!insertmacro CLOSE_TRAY_FUNCTION ""
!insertmacro CLOSE_TRAY_FUNCTION "un."

Section "$(SecApp)" SEC_APP
  SectionIn RO
  Call CloseTray
  ; An upgrade first removes the old version's files with its own uninstaller (silent, user data
  ; kept, run in place), so a file the new version no longer ships is not left behind. Where the
  ; registry says it is: the user may have picked another folder this time.
  ReadRegStr $0 HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $0 == ""
    StrCpy $0 "$INSTDIR"
  ${EndIf}
  ${If} ${FileExists} "$0\uninstall.exe"
    ExecWait '"$0\uninstall.exe" /S _?=$0' $1
    ${If} $1 != 0
      DetailPrint "The previous version's uninstaller in $0 exited with $1; installing over it."
    ${EndIf}
    ; Run in place (_?=), an uninstaller cannot delete itself: that is left to us. The folder goes
    ; only when empty, as in the uninstaller.
    Delete "$0\uninstall.exe"
    RMDir "$0"
  ${EndIf}
  SetOutPath "$INSTDIR"
  !insertmacro PAYLOAD_INSTALL
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "${SHORTCUT}" "$INSTDIR\${TRAY_EXE}" "" "$INSTDIR\${TRAY_EXE}" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "URLInfoAbout" "${URL}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${TRAY_EXE},0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" ${PAYLOAD_KB}
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ; The name a development build used for the Run value; one entry only.
  DeleteRegValue HKCU "${RUN_KEY}" "Qwen Proxy"
SectionEnd

; Through the app, so its stored start_at_login agrees with the entry: the app re-applies that
; setting at every start and would otherwise remove an entry written behind its back. The Run
; value is then written here too, with the same text as the app's, so the entry exists even if the
; app cannot run yet (and the wine test, whose payload is a stub, can see it).
Section /o "$(SecAutostart)" SEC_AUTOSTART
  ExecWait '"$INSTDIR\${TRAY_EXE}" --autostart on'
  WriteRegStr HKCU "${RUN_KEY}" "${RUN_VALUE}" '"$INSTDIR\${TRAY_EXE}" --minimized'
SectionEnd

; Unticking a box that was ticked because the entry existed turns start at login off.
Section "-AutostartOff"
  ${IfNot} ${SectionIsSelected} ${SEC_AUTOSTART}
  ${AndIf} $HadAutostart == 1
    ExecWait '"$INSTDIR\${TRAY_EXE}" --autostart off'
    DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
  ${EndIf}
SectionEnd

Function .onInit
  StrCpy $HadAutostart 0
  ; An upgrade keeps "Start at login" as it was: an existing Run value ticks the box (and keeps it
  ; ticked in silent mode); /AUTOSTART ticks it for a silent first install.
  ClearErrors
  ReadRegStr $0 HKCU "${RUN_KEY}" "${RUN_VALUE}"
  ${IfNot} ${Errors}
    StrCpy $HadAutostart 1
    !insertmacro SelectSection ${SEC_AUTOSTART}
  ${EndIf}
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/AUTOSTART" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SEC_AUTOSTART}
  ${EndIf}
FunctionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_APP} "$(SecAppDesc)"
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_AUTOSTART} "$(SecAutostartDesc)"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "un.$(SecUnApp)" SEC_UNAPP
  SectionIn RO
  Call un.CloseTray
  ; Data removal goes first, while qwen-proxy.exe is still there to delete the saved keys.
  Call un.Purge
  !insertmacro PAYLOAD_UNINSTALL
  Delete "$INSTDIR\uninstall.exe"
  ; Not /r: a folder still holding something that is not ours stays, with that thing in it.
  RMDir "$INSTDIR"
  Delete "${SHORTCUT}"
  DeleteRegValue HKCU "${RUN_KEY}" "${RUN_VALUE}"
  DeleteRegValue HKCU "${RUN_KEY}" "Qwen Proxy"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd

; Unticked unless the user ticks it or gives /PURGE; the work is done in un.Purge above.
Section /o "un.$(SecUnPurge)" SEC_UNPURGE
SectionEnd

Function un.onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SEC_UNPURGE}
  ${EndIf}
FunctionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SEC_UNPURGE} "$(SecUnPurgeDesc)"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END

Function un.Purge
  ${IfNot} ${SectionIsSelected} ${SEC_UNPURGE}
    Return
  ${EndIf}
  ; `qwen-proxy purge --yes` deletes the accounts' keys from Windows Credential Manager, which
  ; only the app can find, then its folders and the Run value. The folders are removed here too,
  ; in case the program could not run: they are the app's own (src/core/platform/userdirs.h:
  ; data in %LOCALAPPDATA%\qwen-proxy, settings in %APPDATA%\qwen-proxy), never the install folder.
  ExecWait '"$INSTDIR\${CLI_EXE}" purge --yes'
  RMDir /r "$LOCALAPPDATA\qwen-proxy"
  RMDir /r "$APPDATA\qwen-proxy"
FunctionEnd
