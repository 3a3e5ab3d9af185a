"""Step 1's input, complete: 300 clicks on four sites, keyed by domain, to the topic clicks (3 partitions).

    python3 pipelines/python/clicks_producer.py
"""

import json

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic

from workspace import bootstrap_servers

SITES = [('news.example', 120), ('shop.example', 90), ('blog.example', 60), ('docs.example', 30)]

admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='clicks-producer')
if 'clicks' not in admin.list_topics():
    admin.create_topics([NewTopic('clicks', num_partitions=3, replication_factor=1)])
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='clicks-producer')
sent = 0
for domain, count in SITES:
    for i in range(count):
        click = {'url': f'https://{domain}/page/{i % 7}', 'user': f'u{(i * 13) % 40}'}
        producer.send('clicks', key=domain.encode(), value=json.dumps(click).encode())
        sent += 1
producer.flush()
print(f'sent {sent} clicks', flush=True)
producer.close()
