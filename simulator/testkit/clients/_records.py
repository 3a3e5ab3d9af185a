"""Shared by the client scripts: print one JSON object per line, and describe a ConsumerRecord."""

import json
import sys


def emit(**fields):
    print(json.dumps(fields), flush=True)


def text(data):
    return None if data is None else data.decode('utf-8')


def describe(message, value=None):
    """A consumer record as JSON; `value` replaces message.value when it is already decoded."""
    return {
        'topic': message.topic,
        'partition': message.partition,
        'offset': message.offset,
        'timestamp': message.timestamp,
        'timestamp_type': message.timestamp_type,
        'key': text(message.key),
        'value': value if value is not None else text(message.value),
        'headers': [[k, text(v)] for k, v in (message.headers or [])],
    }


def bootstrap_servers(argv=sys.argv):
    return argv[1].split(',')
