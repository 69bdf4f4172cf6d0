#!/usr/bin/env bash
# Chapter 3's images (npm run images runs this): upbit-lab/node:24 with the Upbit stand-in,
# then upbit-lab/flink:2.0.0 from Maven Central jars. Both need the local Debian + JRE base
# that chapter 2's image build makes. Each script writes its NAME_IMAGE line into
# compose/.env (other lines kept); this one ends by printing both lines.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
node_line=$(bash "$here/upbit-replay/image/build.sh" | tail -1)
flink_line=$(bash "$here/image/build.sh" | tail -1)
echo "$node_line"
echo "$flink_line"
