"""Step 7: a consumer in the group sensor-filewriter that appends each reading to sensor.log and
stops after 100 records.

    python3 producer-consumer/python/file_writer.py
"""

from kafka import KafkaConsumer

from workspace import bootstrap_servers, in_workspace

LIMIT = 100


class FileWriter:
    def __init__(self, path):
        self.path = path
        self.file = open(path, 'a', encoding='utf-8')  # append: a second run adds to what the first wrote
        self.lines = 0

    def write(self, line):
        self.file.write(line + '\n')
        self.lines += 1

    def close(self):
        self.file.close()


consumer = KafkaConsumer('data', bootstrap_servers=bootstrap_servers, client_id='file-writer',
                         group_id='sensor-filewriter', auto_offset_reset='earliest')
writer = FileWriter(in_workspace('sensor.log'))
for message in consumer:
    writer.write(message.value.decode('utf-8'))
    if writer.lines == LIMIT:
        break
writer.close()
consumer.close()
print(f'wrote {writer.lines} readings to {writer.path}')
