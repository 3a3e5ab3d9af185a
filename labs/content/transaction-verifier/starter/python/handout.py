"""Your group's handout, read from verifier.json at the root of the workspace. Given.

vid, token, where the assignment's server is, how to log in, the topics, your consumer group and
transactional id. $VERIFIER_HANDOUT names another file. The lab writes the practice server's
handout there; for your TA's server, save the TA's handout there instead: nothing else changes.
"""

import json
import os
import sys

import fastavro

from workspace import in_workspace

_file = os.environ.get('VERIFIER_HANDOUT') or in_workspace('verifier.json')
try:
    with open(_file, encoding='utf-8') as f:
        handout = json.load(f)
except (OSError, ValueError) as error:
    sys.exit(f'cannot read your handout {_file}: {error}\n'
             'open the lab (npx kafka-lab lab transaction-verifier) to get a practice one, or save your TA\'s handout there')

vid = handout['vid']
token = handout['token']  # secret: it signs your submissions
topics = handout['topics']  # {'transaction': ..., 'submit': ..., 'result': ...}
group_prefix = handout['groupPrefix']  # your consumer groups and transactional ids start with it
consumer_group = handout['consumerGroup']
transactional_id = handout['transactionalId']


def kafka_config(client_id):
    """Keyword arguments for KafkaConsumer and KafkaProducer: the brokers, and the login if any."""
    config = {'bootstrap_servers': handout['bootstrap'].split(','), 'client_id': client_id}
    sasl = handout.get('sasl')
    if sasl:
        config.update(security_protocol='SASL_PLAINTEXT', sasl_mechanism=sasl['mechanism'].upper(),
                      sasl_plain_username=sasl['username'], sasl_plain_password=sasl['password'])
    return config


def _schema(name):
    with open(in_workspace('schemas', name), encoding='utf-8') as f:
        return fastavro.parse_schema(json.load(f))


# The assignment's Avro schemas: values are their schemaless encoding.
transaction_schema = _schema('transaction.avsc')
submit_schema = _schema('submit.avsc')
result_schema = _schema('result.avsc')
