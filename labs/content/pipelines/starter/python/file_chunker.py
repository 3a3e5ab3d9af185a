"""Step 2: a 3 MB file through a topic whose records hold 1 MB at most - in chunks of 256 KiB, all
under one key (the file's name), each with a header chunk "i/n", the last one with the SHA-256.

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
    # TODO: send data[i * CHUNK:(i + 1) * CHUNK] to the topic files, key b'big-file.bin', with
    #       headers [('chunk', f'{i}/{count}'.encode())] plus ('sha256', ...) on the last; .get() it.
    pass
producer.close()
