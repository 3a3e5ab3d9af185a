"""Step 3: a compacted topic as a table - 20 rounds of price updates for 10 products, one round
every 50 ms, to prices (cleanup.policy=compact, a new segment every 100 ms, cleaned as soon as 1%
of it is dirty): the closed segments keep only the last price of each product, at its offset; the
older ones leave gaps.

    python3 pipelines/python/price_updates.py
"""

import time

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic

from workspace import bootstrap_servers

PRODUCTS, UPDATES = 10, 20
ROUND_EVERY_S = 0.05
admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='price-updates')
if 'prices' not in admin.list_topics():
    admin.create_topics([NewTopic('prices', num_partitions=1, replication_factor=1,
                                  topic_configs={'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01',
                                                 'segment.ms': '100'})])
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='price-updates')
for update in range(UPDATES):
    for product in range(PRODUCTS):
        price = f'{10 + product + update * 0.25:.2f}'
        producer.send('prices', key=f'product-{product}'.encode(),
                      value=f'product-{product} price update #{update}: {price}'.encode()).get(timeout=30)
    time.sleep(ROUND_EVERY_S)
print(f'sent {PRODUCTS * UPDATES} price updates for {PRODUCTS} products', flush=True)
producer.close()
