#!/usr/bin/env python3
"""The page's model list: assets/models/models.json plus every bundle's JSON header.

    tools/model-index.py assets/models OUT.json

The page ships only the bundle it opens with; the others are listed (name, accuracy,
layer shapes) from these headers and fetched when picked. The header layout is
docs/formats.md's: 8-byte magic, uint32 version, uint32 header length, JSON.
"""
import json
import pathlib
import struct
import sys

MAGIC = b"\x89LENS\r\n\x1a"


def header(path):
    data = path.read_bytes()
    if data[:8] != MAGIC or len(data) < 16:
        sys.exit(f"{path}: not a .lens bundle")
    (length,) = struct.unpack_from("<I", data, 12)
    if 16 + length > len(data):
        sys.exit(f"{path}: truncated header")
    h = json.loads(data[16:16 + length].decode("utf-8"))
    h.pop("training", None)  # the recipe is not needed to list a model
    return h


def main():
    folder, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    manifest = json.loads((folder / "models.json").read_text())
    manifest["headers"] = {i: header(folder / f"{i}.lens") for i in manifest["models"]}
    # Models with a statistics sidecar (<id>.stats, tools/build-stats.sh): the page fetches it
    # instead of measuring on the test digits.
    manifest["stats"] = [i for i in manifest["models"] if (folder / f"{i}.stats").is_file()]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
