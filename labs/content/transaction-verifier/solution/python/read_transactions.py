"""Step 1: read transactions in the group <vid>-reader, decode each with transaction.avsc, print it
and write it to transactions.jsonl, one JSON object per line.

    python3 transaction-verifier/python/read_transactions.py [count]
"""

import io
import json
import sys

import fastavro
from kafka import KafkaConsumer

from handout import group_prefix, kafka_config, topics, transaction_schema
from workspace import in_workspace

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
consumer = KafkaConsumer(topics['transaction'], group_id=f'{group_prefix}reader', auto_offset_reset='earliest',
                         **kafka_config('read-transactions'))
lines = []
try:
    for message in consumer:
        tx = fastavro.schemaless_reader(io.BytesIO(message.value), transaction_schema)
        print(tx)
        lines.append(json.dumps(tx))
        if len(lines) >= count:
            break
except KeyboardInterrupt:
    pass
finally:
    consumer.close()

with open(in_workspace('transactions.jsonl'), 'w', encoding='utf-8') as f:
    f.writelines(f'{line}\n' for line in lines)
print(f'{len(lines)} transactions written to transactions.jsonl')
