"""Step 2: a 3 MB file through a topic whose records hold 1 MB at most - in chunks of 256 KiB, all
under one key (the file's name: one partition, so they stay in order), each with a header
chunk "i/n", the last one with the whole file's SHA-256 for the receiver to check.

    python3 pipelines/python/file_chunker.py
"""

import hashlib
import math

from kafka import KafkaProducer

from workspace import bootstrap_servers, in_workspace

CHUNK = 256 * 1024
with open(in_workspace('data', 'big-file.bin'), 'rb') as f:
    data = f.read()
sha256 = hashlib.sha256(data).hexdigest()
count = math.ceil(len(data) / CHUNK)

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='file-chunker', max_request_size=2 * 1024 * 1024)
for i in range(count):
    headers = [('chunk', f'{i}/{count}'.encode())]
    if i == count - 1:
        headers.append(('sha256', sha256.encode()))
    producer.send('files', key=b'big-file.bin', value=data[i * CHUNK:(i + 1) * CHUNK], headers=headers).get(timeout=30)
    print(f'sent chunk {i + 1} of {count}', flush=True)
print(f'big-file.bin: {len(data)} bytes, sha256 {sha256}', flush=True)
producer.close()
