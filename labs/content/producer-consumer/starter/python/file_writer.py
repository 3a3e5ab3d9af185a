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
        self.lines = 0
        # TODO: open the file for appending.

    def write(self, line):
        pass  # TODO: write the line and a newline; count it.

    def close(self):
        pass  # TODO


# TODO: a consumer of 'data' in the group 'sensor-filewriter', from the earliest offset; write each
#       value to a FileWriter(in_workspace('sensor.log')); after LIMIT records close both.
