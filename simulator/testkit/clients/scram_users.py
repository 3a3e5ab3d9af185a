"""SCRAM users through kafka-python's admin client: alter_user_scram_credentials and
describe_user_scram_credentials, one step after another.

    python scram_users.py BOOTSTRAP ADMIN PASSWORD STEPS

The admin client logs in as ADMIN with SCRAM-SHA-256 (or connects in PLAINTEXT when ADMIN is "-").
STEPS is a JSON list; each step is one of
    {"alter": [{"upsert": "carol", "mechanism": "SCRAM-SHA-256", "password": "...", "iterations": 8192},
               {"delete": "dave", "mechanism": "SCRAM-SHA-512"}]}
    {"describe": ["carol", "dave"]}      (null describes every user)
and prints one line: {"alter": {user: error message or null}} or {"describe": {user: {...}}},
or {"error": "<kafka-python's error class>", "message": ...} when the call raises.
"""

import json
import sys

from kafka.admin import KafkaAdminClient
from kafka.admin._users import UserScramCredentialDeletion, UserScramCredentialUpsertion
from kafka.errors import KafkaError

from _records import bootstrap_servers, emit

admin_user, admin_password, steps = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
login = {} if admin_user == '-' else dict(
    security_protocol='SASL_PLAINTEXT',
    sasl_mechanism='SCRAM-SHA-256',
    sasl_plain_username=admin_user,
    sasl_plain_password=admin_password,
)
admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers(), **login)


def alteration(spec):
    if 'delete' in spec:
        return UserScramCredentialDeletion(spec['delete'], spec['mechanism'])
    return UserScramCredentialUpsertion(spec['upsert'], spec['mechanism'], spec['password'], iterations=spec.get('iterations'))


def described(result):
    # Sorted by mechanism: Kafka lists a user's mechanisms in no fixed order.
    return {user: {'error': info['error'], 'credentials': sorted([info_['mechanism'].name, info_['iterations']] for info_ in info['credential_infos'])}
            for user, info in result.items()}


for step in steps:
    try:
        if 'alter' in step:
            emit(alter=admin.alter_user_scram_credentials([alteration(spec) for spec in step['alter']]))
        else:
            emit(describe=described(admin.describe_user_scram_credentials(step['describe'])))
    except KafkaError as error:
        emit(error=type(error).__name__, message=str(error))
admin.close()
