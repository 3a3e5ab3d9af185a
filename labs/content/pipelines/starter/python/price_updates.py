"""Step 3: a compacted topic as a table - 20 rounds of price updates for 10 products, one round
every 50 ms, to prices.

    python3 pipelines/python/price_updates.py
"""

import time

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic

from workspace import bootstrap_servers

PRODUCTS, UPDATES = 10, 20
ROUND_EVERY_S = 0.05
admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='price-updates')
# TODO: create prices (1 partition) with topic_configs cleanup.policy=compact,
#       min.cleanable.dirty.ratio=0.01 and segment.ms=100, unless it exists.
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='price-updates')
for update in range(UPDATES):
    for product in range(PRODUCTS):
        price = f'{10 + product + update * 0.25:.2f}'
        # TODO: send key f'product-{product}', value f'product-{product} price update #{update}: {price}'.
    time.sleep(ROUND_EVERY_S)
producer.close()
