"""Step 4: a new group, sample-replay, that starts from the earliest offset; 10 records, then stop.

    python3 producer-consumer/python/consumer_replay.py
"""

from kafka import KafkaConsumer

from workspace import bootstrap_servers

consumer = KafkaConsumer('sample', bootstrap_servers=bootstrap_servers, client_id='consumer-replay',
                         group_id='sample-replay', auto_offset_reset='earliest')
for read, message in enumerate(consumer, start=1):
    print(f'sample[{message.partition}] offset={message.offset} value={message.value.decode("utf-8")}')
    if read == 10:
        break
consumer.close()  # commits offset 10: the next record this group would read
