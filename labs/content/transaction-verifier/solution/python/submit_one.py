"""Step 3: submit the first transaction of transactions.jsonl, signed, to the submit topic; read the
result topic (in the group <vid>-results) until the server's answer for your vid and that txid
comes; print its code, and for 200 add the proof line timestamp,vid,txid,checksum to proof.csv.

    python3 transaction-verifier/python/submit_one.py
"""

import datetime
import io
import json
import sys
import time

import fastavro
from kafka import KafkaConsumer, KafkaProducer

from gen_signature import gen_signature
from handout import group_prefix, kafka_config, result_schema, submit_schema, token, topics, vid
from workspace import in_workspace

MEANINGS = {200: 'accepted', 400: 'malformed', 401: 'unknown vid', 403: 'bad signature', 404: 'unknown txid',
            408: 'too late', 409: 'duplicate: accepted before', 429: 'rate-limited: submit it again later'}

with open(in_workspace('transactions.jsonl'), encoding='utf-8') as f:
    tx = json.loads(next(line for line in f if line.strip()))


def encode(schema, record):
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()


def millis(timestamp):
    """fastavro reads timestamp-millis as a datetime: back to milliseconds since the epoch."""
    if isinstance(timestamp, datetime.datetime):
        return round(timestamp.timestamp() * 1000)
    return timestamp


# Listen first: the answer may come before a consumer that starts late would be reading.
# read_committed: a result the server sent in a transaction it could not finish is never seen.
results = KafkaConsumer(topics['result'], group_id=f'{group_prefix}results', auto_offset_reset='earliest',
                        isolation_level='read_committed', **kafka_config('submit-one'))
while not results.assignment():
    results.poll(timeout_ms=200)

producer = KafkaProducer(**kafka_config('submit-one'))
signature = gen_signature(tx['txid'], tx['payer'], tx['payee'], tx['amount'], token)
producer.send(topics['submit'], key=vid.encode(), value=encode(submit_schema, {'vid': vid, 'txid': tx['txid'], 'signature': signature}))
producer.flush()
producer.close()
print(f"submitted {tx['txid']}; waiting for the verdict")

result = None
deadline = time.monotonic() + 30
while result is None and time.monotonic() < deadline:
    for records in results.poll(timeout_ms=500).values():
        for record in records:
            value = fastavro.schemaless_reader(io.BytesIO(record.value), result_schema)
            if value['vid'] == vid and value['txid'] == tx['txid']:
                result = value
results.close()
if result is None:
    sys.exit(f"no verdict for {tx['txid']} within 30 s: is the assignment server running?")

print(result['code'], MEANINGS.get(result['code'], ''), f"({tx['txid']})")
if result['code'] == 200:
    with open(in_workspace('proof.csv'), 'a', encoding='utf-8') as f:
        f.write(f"{millis(result['timestamp'])},{result['vid']},{result['txid']},{result['checksum']}\n")
    print('proof line added to proof.csv')
sys.exit(0 if result['code'] in (200, 409) else 1)
