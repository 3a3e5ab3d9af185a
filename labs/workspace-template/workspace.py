"""Where your cluster is, for every program of this workspace (kafka-lab writes this file).

$KAFKA_BOOTSTRAP wins; otherwise kafka-lab.json at the root of the workspace says.
"""

import json
import os


def _find_workspace(start):
    directory = start
    while True:
        if os.path.exists(os.path.join(directory, 'kafka-lab.json')):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


_found = _find_workspace(os.path.dirname(os.path.abspath(__file__)))

# The workspace folder: where kafka-lab.json, schemas/ and data/ are.
workspace_dir = _found or os.getcwd()

_config = {}
if _found:
    with open(os.path.join(_found, 'kafka-lab.json'), encoding='utf-8') as f:
        _config = json.load(f)

# host:port of the brokers, for KafkaProducer(bootstrap_servers=bootstrap_servers).
bootstrap_servers = (os.environ.get('KAFKA_BOOTSTRAP') or _config.get('bootstrap') or '127.0.0.1:9092').split(',')


def in_workspace(*parts):
    """A path inside the workspace: in_workspace('schemas', 'sample.avsc')."""
    return os.path.join(workspace_dir, *parts)
