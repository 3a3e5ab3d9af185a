"""Loads a schema of the workspace's schemas/ folder for fastavro. Given."""

import json

import fastavro

from workspace import in_workspace


def load_schema(name):
    with open(in_workspace('schemas', name), encoding='utf-8') as f:
        return fastavro.parse_schema(json.load(f))
