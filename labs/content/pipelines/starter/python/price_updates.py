"""Step 3: a compacted topic as a table - 20 price updates for each of 10 products to prices.

    python3 pipelines/python/price_updates.py
"""

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic

from workspace import bootstrap_servers

PRODUCTS, UPDATES = 10, 20
admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id='price-updates')
# TODO: create prices (1 partition) with topic_configs cleanup.policy=compact and
#       min.cleanable.dirty.ratio=0.01, unless it exists.
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, client_id='price-updates')
for update in range(UPDATES):
    for product in range(PRODUCTS):
        price = f'{10 + product + update * 0.25:.2f}'
        # TODO: send key f'product-{product}', value f'product-{product} price update #{update}: {price}'.
producer.close()
