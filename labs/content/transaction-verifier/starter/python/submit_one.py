"""Step 3: submit the first transaction of transactions.jsonl, signed, to the submit topic; read the
result topic (in the group <vid>-results) until the server's answer for your vid and that txid
comes; print its code, and for 200 add the proof line timestamp,vid,txid,checksum to proof.csv.

    python3 transaction-verifier/python/submit_one.py
"""

import json

from gen_signature import gen_signature
from handout import group_prefix, kafka_config, result_schema, submit_schema, token, topics, vid
from workspace import in_workspace

with open(in_workspace('transactions.jsonl'), encoding='utf-8') as f:
    tx = json.loads(next(line for line in f if line.strip()))

# TODO: 1. a KafkaConsumer of topics['result'] in the group f'{group_prefix}results', from the
#          earliest offset, read_committed, polling until it has its partitions — before you submit;
#       2. a KafkaProducer sending {vid, txid, signature} (fastavro.schemaless_writer with
#          submit_schema; the signature from gen_signature) to topics['submit'];
#       3. poll the results (fastavro.schemaless_reader with result_schema) until the one with your
#          vid and txid, print its code, and when it is 200 append
#          timestamp,vid,txid,checksum to proof.csv (fastavro gives the timestamp as a datetime:
#          round(timestamp.timestamp() * 1000) is milliseconds).
print(f"not submitted yet: {tx['txid']}")
