#!/usr/bin/env python3
"""Prints the body of PUT /connectors/{name}/config from a connector JSON file of this repository.

    connector-config.py FILE [CONVERTERS_FILE]

Every ${NAME} in FILE is replaced by the environment variable NAME. With CONVERTERS_FILE, the key and value
converter settings are taken from it instead (the sink reads what the source wrote). A sink file gets
redis.topology from REDIS_TOPOLOGY when that is not standalone. ./stack.sh and the compose stack's one-shot
registration (docker/register) both use it, on the same files.
"""
import json
import os
import re
import sys


def load(path):
    text = re.sub(r"\$\{([A-Z_]+)\}", lambda m: os.environ[m.group(1)], open(path).read())
    return json.loads(text)["config"]


config = load(sys.argv[1])
if len(sys.argv) > 2 and sys.argv[2]:
    converters = ("key.converter", "value.converter")
    config = {k: v for k, v in config.items() if not k.startswith(converters)}
    config.update({k: v for k, v in load(sys.argv[2]).items() if k.startswith(converters)})
if "redis.uri" in config and os.environ.get("REDIS_TOPOLOGY", "standalone") != "standalone":
    config["redis.topology"] = os.environ["REDIS_TOPOLOGY"]
print(json.dumps(config))
