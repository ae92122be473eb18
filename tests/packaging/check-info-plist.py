#!/usr/bin/env python3
"""Checks the macOS bundle metadata configure rendered (packaging/macos/Info.plist.in) and the icon
it names, on any platform: every key issue 20 asks for, with the value it must have, and an .icns
holding 512 and 1024 px images.

    check-info-plist.py <build>/packaging/macos/Info.plist <source dir> <project version>

Prints the keys and the icon's elements (also `icns2png -l` where icnsutils is installed)."""
import os
import plistlib
import shutil
import struct
import subprocess
import sys

plist_path, source_dir, version = sys.argv[1:4]
errors = []
with open(plist_path, "rb") as f:
    info = plistlib.load(f)  # fails on malformed XML or a wrong plist structure

expected = {
    "CFBundleIdentifier": "io.github.qwenproxy.QwenProxy",
    "CFBundleShortVersionString": version,
    "CFBundleExecutable": "qwen-proxy-tray",
    "CFBundlePackageType": "APPL",
    "LSUIElement": True,
    "NSHighResolutionCapable": True,
    "LSMinimumSystemVersion": "12.0",
}
for key, want in expected.items():
    got = info.get(key)
    # `is` for the booleans: the string "true" or 1 is not what macOS reads as YES.
    ok = got is want if isinstance(want, bool) else got == want
    print(f"  {key} = {got!r}")
    if not ok:
        errors.append(f"{key} is {got!r}, want {want!r}")

icon = info.get("CFBundleIconFile", "")
print(f"  CFBundleIconFile = {icon!r}")
icns = os.path.join(source_dir, "packaging", "macos", icon)
if not icon.endswith(".icns") or not os.path.isfile(icns):
    errors.append(f"CFBundleIconFile {icon!r} is not an .icns under packaging/macos/")
else:
    # icns: 'icns', total length, then elements of type, length (with its 8-byte header), data.
    data = open(icns, "rb").read()
    if data[:4] != b"icns" or struct.unpack(">I", data[4:8])[0] != len(data):
        errors.append(f"{icns} is not an icns file")
    sizes = set()
    pos = 8
    while pos + 8 <= len(data):
        kind, length = struct.unpack(">4sI", data[pos:pos + 8])
        if length < 8 or pos + length > len(data):
            errors.append(f"{icns}: element {kind!r} runs past the end")
            break
        body = data[pos + 8:pos + length]
        if body[:8] == b"\x89PNG\r\n\x1a\n":
            w, h = struct.unpack(">II", body[16:24])  # the IHDR chunk
            print(f"  {kind.decode()}: PNG {w}x{h}")
            if w == h:
                sizes.add(w)
        else:
            print(f"  {kind.decode()}: {length - 8} bytes")
        pos += length
    for want in (512, 1024):
        if want not in sizes:
            errors.append(f"{icns} has no {want}x{want} PNG image")
    if shutil.which("icns2png"):
        subprocess.run(["icns2png", "-l", icns], check=True)

for e in errors:
    print("FAIL:", e, file=sys.stderr)
sys.exit(1 if errors else 0)
