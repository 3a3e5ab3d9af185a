"""Step 1: read transactions in the group <vid>-reader, decode each with transaction.avsc, print it
and write it to transactions.jsonl, one JSON object per line.

    python3 transaction-verifier/python/read_transactions.py [count]
"""

import sys

from handout import group_prefix, kafka_config, topics, transaction_schema
from workspace import in_workspace

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
lines = []

# TODO: a KafkaConsumer of topics['transaction'] in the group f'{group_prefix}reader', from the
#       earliest offset (**kafka_config('read-transactions') gives the brokers and the login).
#       Decode each value with fastavro.schemaless_reader(io.BytesIO(value), transaction_schema),
#       print the transaction, and keep json.dumps(tx) in `lines` until there are `count`; then
#       close the consumer.

with open(in_workspace('transactions.jsonl'), 'w', encoding='utf-8') as f:
    f.writelines(f'{line}\n' for line in lines)
print(f'{len(lines)} transactions written to transactions.jsonl')
