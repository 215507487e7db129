"""Checks what `sam build` made (scripts/sam-build.sh): for every function of the built template, its
`bootstrap` is an ELF executable for aarch64 (Lambda's Graviton) that needs no glibc newer than Amazon Linux
2023's, and zips (as the deployment package holds it) under 4,000,000 bytes. Prints each artifact's sizes and
writes them to BUILD_DIR/sizes.json.

    python tests/stack/artifacts.py BUILD_DIR
"""

import io
import json
import pathlib
import re
import struct
import subprocess
import sys
import zipfile

LIMIT = 4_000_000
AARCH64 = 183  # e_machine
NEWEST_GLIBC = (2, 34)  # Amazon Linux 2023, provided.al2023


def elf_machine(data: bytes) -> int:
    if data[:4] != b"\x7fELF":
        raise SystemExit("not an ELF file")
    little = data[5] == 1
    return struct.unpack("<H" if little else ">H", data[18:20])[0]


def glibc_versions(path: pathlib.Path) -> list[tuple[int, int]]:
    """The GLIBC_x.y versions the binary needs (readelf reads any architecture's ELF)."""
    out = subprocess.run(["readelf", "-V", "--wide", str(path)], capture_output=True, text=True, check=True).stdout
    return sorted({tuple(int(x) for x in m.groups()) for m in re.finditer(r"GLIBC_(\d+)\.(\d+)", out)})


def zipped(data: bytes) -> int:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        info = zipfile.ZipInfo("bootstrap")
        info.external_attr = 0o755 << 16
        z.writestr(info, data, zipfile.ZIP_DEFLATED, 9)
    return len(buf.getvalue())


def main(build_dir: pathlib.Path) -> None:
    template = (build_dir / "template.yaml").read_text()
    functions = re.findall(r"^  (\w+Function):\n    Type: AWS::Serverless::Function", template, re.M)
    if len(functions) < 8:
        raise SystemExit(f"the built template names {len(functions)} functions")
    sizes, bad = {}, []
    print(f"{'function':<22} {'bootstrap (B)':>14} {'zipped (B)':>12}  glibc")
    for function in functions:
        bootstrap = build_dir / function / "bootstrap"
        if not bootstrap.is_file():
            bad.append(f"{function}: no bootstrap")
            continue
        data = bootstrap.read_bytes()
        if elf_machine(data) != AARCH64:
            bad.append(f"{function}: not built for aarch64")
        if not bootstrap.stat().st_mode & 0o111:
            bad.append(f"{function}: bootstrap is not executable")
        needed = glibc_versions(bootstrap)
        if needed and max(needed) > NEWEST_GLIBC:
            bad.append(f"{function}: needs glibc {max(needed)}")
        size = zipped(data)
        if size > LIMIT:
            bad.append(f"{function}: {size} B zipped, over {LIMIT}")
        sizes[function] = {"bootstrap": len(data), "zipped": size}
        newest = ".".join(map(str, max(needed))) if needed else "static"
        print(f"{function:<22} {len(data):>14,} {size:>12,}  {newest}")
    (build_dir / "sizes.json").write_text(json.dumps(sizes, indent=1))
    if bad:
        raise SystemExit("\n".join(bad))
    print(f"{len(sizes)} artifacts: aarch64, glibc <= 2.34, each under {LIMIT:,} B zipped")


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
